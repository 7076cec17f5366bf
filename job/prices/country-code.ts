import { libphonenumber } from './libphonenumber';

const ALPHA2 = /^[A-Z]{2}$/;
let byName: Map<string, string> | undefined;

function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]+/g, '');
}

/** English country names → ISO 3166 alpha-2, for the regions libphonenumber knows (built once). */
function names(): Map<string, string> {
  if (byName) return byName;
  const display = new Intl.DisplayNames(['en'], { type: 'region' });
  byName = new Map();
  for (const code of libphonenumber().PhoneNumberUtil.getInstance().getSupportedRegions()) {
    const name = display.of(code);
    if (name !== undefined && name !== code) byName.set(nameKey(name), code);
  }
  // Longer official forms a price list may use.
  byName.set(nameKey('United States of America'), 'US');
  return byName;
}

/**
 * A country as ISO 3166 alpha-2 (`US`), from the code itself (any case) or an English name
 * (`United States`, `United Kingdom`). Undefined when neither.
 */
export function countryCode(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const upper = trimmed.toUpperCase();
  if (ALPHA2.test(upper)) return upper;
  return names().get(nameKey(trimmed));
}
