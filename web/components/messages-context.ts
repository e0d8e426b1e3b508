/**
 * The page's catalogue for the components that have words of their own ("There is a problem", "Next"), so pages
 * need not pass it to each. The layout provides it for the whole page.
 */
import { createContext } from "hono/jsx";
import { DEFAULT_LANGUAGE, messagesFor, type Messages } from "../i18n/catalogue";

export const MessagesContext = createContext<Messages>(messagesFor(DEFAULT_LANGUAGE));
