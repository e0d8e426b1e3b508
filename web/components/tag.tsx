/**
 * Tags: an agreement's status, and a sub-effort's activity status on the board. The board's colours follow the
 * Umeå activity plan (green = being carried out, yellow = started, red = not started) and always come with the
 * word, so nobody has to tell colours apart.
 */
import { useContext } from "hono/jsx";
import type { Status } from "../../functions/domain/agreement";
import { ACTIVITY_STATUSES } from "../../functions/domain/agreement";
import { MessagesContext } from "./messages-context";

export type TagColour = "grey" | "blue" | "green" | "yellow" | "red" | "purple";

export function Tag({ colour, text }: { colour: TagColour; text: string }) {
  return <strong class={`tag tag--${colour}`}>{text}</strong>;
}

const STATUS_COLOURS: Record<Status, TagColour> = {
  draft: "grey",
  proposed: "purple",
  approved: "blue",
  active: "green",
  expired: "grey",
  renewed: "blue",
  terminated: "red",
  rejected: "red",
  withdrawn: "grey",
};

export function StatusTag({ status }: { status: Status }) {
  const { t } = useContext(MessagesContext);
  return <Tag colour={STATUS_COLOURS[status]} text={t(`status.${status}`)} />;
}

export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

export const ACTIVITY_COLOURS: Record<ActivityStatus, TagColour> = { planned: "red", started: "yellow", done: "green" };

export function ActivityTag({ status }: { status: ActivityStatus }) {
  const { t } = useContext(MessagesContext);
  return <Tag colour={ACTIVITY_COLOURS[status]} text={t(`activity.${status}`)} />;
}
