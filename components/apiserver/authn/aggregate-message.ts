// Several errors as one message, as apimachinery's utilerrors.NewAggregate prints them: one
// error alone is its own text, more are "[a, b]".

export function aggregateMessage(messages: readonly string[]): string {
  return messages.length === 1 ? (messages[0] as string) : `[${messages.join(", ")}]`;
}
