/**
 * An E.164 number (`+79161234567`) as people read it: `+7 916 123-45-67` for Russia and
 * Kazakhstan, `+1 212 555-0100` for North America. Other numbers stay as they are: grouping
 * them right needs each country's plan (libphonenumber's metadata, tens of KB), and a wrong
 * grouping reads worse than none.
 */
export function formatPhone(e164: string): string {
  const digits = /^\+(\d{8,15})$/.exec(e164.trim())?.[1]
  if (!digits) return e164
  const ru = /^7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(digits)
  if (ru) return `+7 ${ru[1]} ${ru[2]}-${ru[3]}-${ru[4]}`
  const nanp = /^1(\d{3})(\d{3})(\d{4})$/.exec(digits)
  if (nanp) return `+1 ${nanp[1]} ${nanp[2]}-${nanp[3]}`
  return e164
}
