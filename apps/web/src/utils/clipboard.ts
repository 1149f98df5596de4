/**
 * Copies text, preferring the async Clipboard API and falling back to a hidden textarea with
 * `execCommand('copy')` (insecure origins, older browsers). Resolves `false` when both fail.
 */
export async function copyText(text: string): Promise<boolean> {
  if (globalThis.navigator?.clipboard?.writeText && globalThis.isSecureContext !== false) {
    try {
      await globalThis.navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission denied or not focused: try the fallback.
    }
  }
  return copyWithTextarea(text);
}

function copyWithTextarea(text: string): boolean {
  if (typeof document === 'undefined') return false;
  const previousFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const textarea = document.createElement('textarea');
  textarea.value = text;
  textarea.setAttribute('readonly', '');
  textarea.style.position = 'fixed';
  textarea.style.top = '-1000px';
  textarea.style.opacity = '0';
  document.body.appendChild(textarea);
  textarea.select();
  let copied = false;
  try {
    copied = typeof document.execCommand === 'function' && document.execCommand('copy');
  } catch {
    copied = false;
  } finally {
    textarea.value = '';
    textarea.remove();
    previousFocus?.focus();
  }
  return copied;
}
