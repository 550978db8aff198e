/** Whether `tz` is a time zone name this Node knows (IANA: UTC, Europe/Berlin, America/New_York). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
