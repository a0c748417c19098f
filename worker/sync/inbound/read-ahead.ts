/**
 * Asks for the next page as soon as one is handed out, so Salesforce answers while the caller
 * classifies and commits the page in hand (at most one page ahead; an abandoned read-ahead is
 * awaited and its error dropped, as the caller stopped reading).
 */
export async function* readAhead<T>(pages: AsyncGenerator<T>, wantsMore: (page: T) => boolean): AsyncGenerator<T> {
  let next: Promise<IteratorResult<T>> | null = pages.next();
  try {
    while (next) {
      const current: IteratorResult<T> = await next;
      if (current.done) return;
      next = wantsMore(current.value) ? pages.next() : null;
      next?.catch(() => undefined);
      yield current.value;
    }
  } finally {
    await pages.return(undefined).catch(() => undefined);
  }
}
