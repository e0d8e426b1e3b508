/**
 * Sub-efforts as a board, after the Umeå activity plan: a column each for green (being carried out), yellow
 * (started) and red (not started), in that order, each headed by its colour with the word beside it.
 */
import { ActivityTag, type ActivityStatus } from "./tag";

export interface BoardCard {
  title: string;
  description?: string | undefined;
}

/** The plan's order: what is being carried out first, what has not started last. */
const COLUMN_ORDER: readonly ActivityStatus[] = ["done", "started", "planned"];

export interface BoardProps {
  /** The cards of each column. */
  cards: Record<ActivityStatus, readonly BoardCard[]>;
  /** Said in a column with no cards. */
  emptyText: string;
}

export function Board({ cards, emptyText }: BoardProps) {
  return (
    <div class="board">
      {COLUMN_ORDER.map((status) => (
        <section class={`board__column board__column--${status}`} aria-labelledby={`board-${status}`}>
          <h3 class="board__title" id={`board-${status}`}>
            <ActivityTag status={status} /> <span class="board__count">({cards[status].length})</span>
          </h3>
          {cards[status].length === 0 ? (
            <p class="board__empty">{emptyText}</p>
          ) : (
            <ul class="board__cards">
              {cards[status].map((card) => (
                <li class="board__card">
                  <strong class="board__card-title">{card.title}</strong>
                  {card.description === undefined || card.description === "" ? null : <p class="board__card-text">{card.description}</p>}
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}
