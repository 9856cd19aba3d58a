/**
 * A value the Rust side publishes as events and also answers when asked (the connection, the sync
 * status). Events arrive in the order they were sent, but the answer to a question asked before an
 * event may arrive after it: that answer is older than what the event said. So an answer counts
 * only if no event arrived while it was on its way; otherwise the event, newer, stays.
 */
export class Followed<T> {
  #heard = 0;
  readonly #set: (value: T) => void;

  constructor(set: (value: T) => void) {
    this.#set = set;
  }

  /** An event: always the newest word. */
  heard(value: T): void {
    this.#heard += 1;
    this.#set(value);
  }

  /** The answer to a question: used unless an event came first. */
  async asked(question: Promise<T>): Promise<void> {
    const before = this.#heard;
    const answer = await question;
    if (this.#heard === before) this.#set(answer);
  }
}
