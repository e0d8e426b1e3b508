/**
 * The GOV.UK task list: the parts of a long form, each a link to its page with its status beside it in words
 * ("Klar", "Påbörjad", "Inte påbörjad"), so a person sees what is left and nobody has to read a colour. The link
 * names its status to screen readers through aria-describedby.
 */
import { Tag, type TagColour } from "./tag";

export interface TaskListItem {
  /** Unique on the page: the status's id is made from it. */
  id: string;
  name: string;
  href: string;
  hint?: string;
  status: string;
  /** A coloured tag for a status that needs doing; none for a finished one, which reads as plain text. */
  statusColour?: TagColour;
}

export function TaskList({ items }: { items: readonly TaskListItem[] }) {
  return (
    <ul class="task-list">
      {items.map((item) => {
        const statusId = `${item.id}-status`;
        return (
          <li class="task-list__item">
            <div class="task-list__name">
              <a class="task-list__link" href={item.href} aria-describedby={item.hint === undefined ? statusId : `${item.id}-hint ${statusId}`}>
                {item.name}
              </a>
              {item.hint === undefined ? null : (
                <div id={`${item.id}-hint`} class="hint">
                  {item.hint}
                </div>
              )}
            </div>
            <div class="task-list__status" id={statusId}>
              {item.statusColour === undefined ? item.status : <Tag colour={item.statusColour} text={item.status} />}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
