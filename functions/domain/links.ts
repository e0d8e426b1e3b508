/** Where an agreement is shown in the web app: the link in reminder emails and calendar events. */
export function agreementLink(appUrl: string, agreementId: string): string {
  return `${appUrl.replace(/\/+$/, "")}/agreements/${encodeURIComponent(agreementId)}`;
}
