/**
 * Previous and next links for lists read page by page. The API pages with cursors, so there are no page numbers
 * to jump to; `page` only tells where one is.
 */
import { useContext } from "hono/jsx";
import { MessagesContext } from "./messages-context";

export interface PaginationProps {
  previousHref?: string | undefined;
  nextHref?: string | undefined;
  /** The current page's number, from 1. */
  page?: number;
}

export function Pagination({ previousHref, nextHref, page }: PaginationProps) {
  const { t } = useContext(MessagesContext);
  if (previousHref === undefined && nextHref === undefined) return null;
  return (
    <nav class="pagination" aria-label={t("pagination.label")}>
      {previousHref === undefined ? null : (
        <a class="pagination__link" href={previousHref} rel="prev">
          {t("pagination.previous")}
        </a>
      )}
      {page === undefined ? null : <span class="pagination__page">{t("pagination.page", { page })}</span>}
      {nextHref === undefined ? null : (
        <a class="pagination__link" href={nextHref} rel="next">
          {t("pagination.next")}
        </a>
      )}
    </nav>
  );
}
