/** What an overtaken load resolves to: its answer is older than one already asked for. */
export const superseded: unique symbol = Symbol("superseded");

/**
 * Loads that may overlap (a sync round starts one while the page's own is still on its way) and
 * whose answers may arrive out of order: only the answer of the load asked for last counts. An
 * older answer, or an older failure, that arrives later resolves to {@link superseded}, so a page
 * never goes back to what it showed before.
 */
export function newestOnly(): <T>(task: Promise<T>) => Promise<T | typeof superseded> {
  let asked = 0;
  return async <T>(task: Promise<T>): Promise<T | typeof superseded> => {
    asked += 1;
    const mine = asked;
    try {
      const answer = await task;
      return mine === asked ? answer : superseded;
    } catch (failure) {
      if (mine !== asked) return superseded;
      throw failure;
    }
  };
}
