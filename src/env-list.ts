// A comma list from the environment (NETNS_IMPL, NETNS_FIREWALLS, NETNS_KERNELS): its items, trimmed, none empty.
export function commaList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
