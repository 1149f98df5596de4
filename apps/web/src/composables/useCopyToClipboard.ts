import { onBeforeUnmount, ref, type Ref } from 'vue';
import { copyText } from '@/utils/clipboard';

/** How long "Copied" stays on the button. */
const FEEDBACK_MS = 2500;

/**
 * Copy-once-shown secrets (a new API key, an invitation link): copies the text and, when the
 * browser refuses, selects the element showing it so Ctrl/Cmd+C works.
 */
export function useCopyToClipboard(shownIn: Ref<HTMLElement | null>): {
  copyState: Ref<'idle' | 'copied' | 'failed'>;
  copy: (text: string) => Promise<void>;
} {
  const copyState = ref<'idle' | 'copied' | 'failed'>('idle');
  let resetTimer: number | undefined;

  async function copy(text: string): Promise<void> {
    const copied = await copyText(text);
    copyState.value = copied ? 'copied' : 'failed';
    if (!copied) selectShownText();
    window.clearTimeout(resetTimer);
    resetTimer = window.setTimeout(() => (copyState.value = 'idle'), FEEDBACK_MS);
  }

  function selectShownText(): void {
    const element = shownIn.value;
    const selection = window.getSelection();
    if (!element || !selection) return;
    const range = document.createRange();
    range.selectNodeContents(element);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  onBeforeUnmount(() => window.clearTimeout(resetTimer));
  return { copyState, copy };
}
