/**
 * The one stylesheet of the pages, served as a file (web/assets.ts) because the CSP allows no inline style.
 * Layout and form patterns after the GOV.UK Design System, in the product's own look: system fonts, no images.
 * Focus is always visible (a thick outline that does not depend on colour alone); print drops the frame.
 */
export const STYLESHEET = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:1.1875rem;line-height:1.4;color:#1b1b1b;background:#fff}
a{color:#1a4fa0;text-decoration-thickness:max(1px,.0625rem);text-underline-offset:.15em}
a:visited{color:#5a2d82}
a:hover{color:#0e2f63;text-decoration-thickness:max(3px,.1875rem)}
:focus-visible{outline:3px solid #1b1b1b;outline-offset:2px;box-shadow:0 0 0 7px #ffd53d}
a:focus-visible{outline:3px solid transparent;background:#ffd53d;color:#1b1b1b;box-shadow:0 -2px #ffd53d,0 4px #1b1b1b;text-decoration:none}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;border:0!important;white-space:nowrap!important}
.width-container{max-width:960px;margin:0 15px}
@media (min-width:40.0625em){.width-container{margin:0 30px}}
@media (min-width:1020px){.width-container{margin:0 auto}}
.skip-link{position:absolute;left:-9999px;top:0;padding:10px 15px;background:#ffd53d;color:#1b1b1b}
.skip-link:focus,.skip-link:focus-visible{position:static;display:block;left:auto}
.header{background:#1d2b3a;color:#fff;border-bottom:8px solid #3f7fd1}
.header__inner{display:flex;flex-wrap:wrap;align-items:center;gap:10px 30px;padding:12px 0}
.header__product,.header__product:visited{color:#fff;font-weight:700;font-size:1.5rem;text-decoration:none;margin-right:auto}
.header__product:hover{text-decoration:underline}
.header__link,.header__link:visited{color:#fff}
.header__account{display:flex;flex-wrap:wrap;align-items:center;gap:10px 20px}
.header__person{margin:0;font-size:1rem}
.header__sign-out{margin:0}
.main{display:block;padding:30px 0 45px}
.main:focus{outline:none}
h1,.heading-l{font-size:2.25rem;line-height:1.1;margin:0 0 30px;font-weight:700;overflow-wrap:break-word}
@media (max-width:40em){h1,.heading-l,.label--l,.fieldset__legend--l{font-size:1.75rem}}
h2,.heading-m{font-size:1.5rem;line-height:1.2;margin:40px 0 15px;font-weight:700}
h3{font-size:1.1875rem;margin:30px 0 10px}
p,ul,ol,dl{margin:0 0 20px}
.lead{font-size:1.5rem;line-height:1.3}
.list{padding-left:1.25em}
.list li{margin-bottom:5px}
.footer{border-top:1px solid #b1b4b6;background:#f3f2f1;padding:25px 0;font-size:1rem}
.footer__links{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:10px 30px}
.form-group{margin-bottom:30px}
.form-group--error{border-left:5px solid #b3261e;padding-left:15px}
.label,.fieldset__legend{display:block;font-weight:700;margin-bottom:5px}
.label--l,.fieldset__legend--l{font-size:2.25rem;line-height:1.1;margin-bottom:15px}
.label-wrapper,.fieldset__heading{margin:0;font-size:inherit}
.hint{color:#4b5257;margin-bottom:10px}
.error-message{color:#b3261e;font-weight:700;margin:0 0 10px}
.input,.textarea,.select{font:inherit;display:block;width:100%;padding:5px;border:2px solid #1b1b1b;border-radius:0;background:#fff;color:#1b1b1b;min-height:44px}
.input--short{max-width:12ch}
.input--medium{max-width:25em}
.input--error,.textarea--error,.select--error{border-color:#b3261e}
.input:focus,.textarea:focus,.select:focus{outline:3px solid #ffd53d;outline-offset:0;box-shadow:inset 0 0 0 2px #1b1b1b}
.select{width:auto;min-width:12em}
.fieldset{margin:0;padding:0;border:0}
.choice{position:relative;display:flex;flex-wrap:wrap;align-items:flex-start;gap:0 10px;margin-bottom:10px}
.choice__input{width:28px;height:28px;margin:6px 0 0;flex:none;accent-color:#1b1b1b}
.choice__input:focus{outline:3px solid #ffd53d;outline-offset:2px;box-shadow:0 0 0 6px #1b1b1b}
.choice__label{flex:1;padding:7px 0}
.choice .hint{flex-basis:100%;padding-left:38px}
.button{display:inline-block;font:inherit;font-weight:700;line-height:1.2;text-align:center;text-decoration:none;padding:10px 15px;margin:0 15px 20px 0;border:2px solid transparent;border-radius:0;cursor:pointer;box-shadow:0 2px 0 #0b2a16;-webkit-appearance:none;appearance:none}
.button--primary,.button--primary:visited{background:#1c6b39;color:#fff}
.button--primary:hover{background:#145229;color:#fff}
.button--secondary,.button--secondary:visited{background:#e6e8ea;color:#1b1b1b;box-shadow:0 2px 0 #85898c}
.button--secondary:hover{background:#cfd3d6;color:#1b1b1b}
.button--warning,.button--warning:visited{background:#b3261e;color:#fff;box-shadow:0 2px 0 #5c130f}
.button--small{font-size:1rem;padding:6px 10px;margin:0}
.button:focus-visible,.button:focus{outline:3px solid transparent;background:#ffd53d;color:#1b1b1b;box-shadow:0 4px 0 #1b1b1b}
.error-summary{border:5px solid #b3261e;padding:20px;margin-bottom:30px}
.error-summary:focus{outline:3px solid #ffd53d;outline-offset:0}
.error-summary__title{margin:0 0 15px;font-size:1.5rem}
.error-summary__list{list-style:none;margin:0;padding:0}
.error-summary__list a,.error-summary__list a:visited{color:#b3261e;font-weight:700}
.error-summary__list a:focus-visible{color:#1b1b1b}
.tag{display:inline-block;padding:2px 8px;font-weight:700;font-size:1rem;line-height:1.25;border-radius:0}
.tag--grey{background:#e6e8ea;color:#383f43}
.tag--blue{background:#d6e4f7;color:#143f80}
.tag--green{background:#cfe9d8;color:#0d4f2b}
.tag--yellow{background:#fff1b8;color:#594300}
.tag--red{background:#f8d7d3;color:#8a1c13}
.tag--purple{background:#e6dcf2;color:#4a2573}
.summary-list{margin:0 0 30px}
.summary-list__row{display:flex;flex-wrap:wrap;border-bottom:1px solid #b1b4b6;padding:10px 0}
.summary-list__key{font-weight:700;flex:0 0 100%;margin:0}
.summary-list__value,.summary-list__actions{margin:0;flex:1}
.summary-list__actions{text-align:right;flex:0 0 auto}
@media (min-width:40.0625em){.summary-list__key{flex:0 0 30%;padding-right:20px}}
.table{width:100%;border-collapse:collapse;margin-bottom:30px}
.table__caption{text-align:left;font-weight:700;font-size:1.5rem;margin-bottom:10px}
.table__header,.table__cell{text-align:left;padding:10px 20px 10px 0;border-bottom:1px solid #b1b4b6;vertical-align:top}
.table__header--numeric,.table__cell--numeric{text-align:right;font-variant-numeric:tabular-nums}
.notification-banner{border:5px solid #1a4fa0;margin-bottom:30px}
.notification-banner--success{border-color:#1c6b39}
.notification-banner__title{margin:0;padding:5px 15px;font-size:1rem;color:#fff;background:#1a4fa0}
.notification-banner--success .notification-banner__title{background:#1c6b39}
.notification-banner__content{padding:15px}
.notification-banner__content>:last-child{margin-bottom:0}
.pagination{display:flex;flex-wrap:wrap;align-items:center;gap:10px 30px;margin-bottom:30px}
.pagination__link{font-weight:700}
.status-list{margin:0 0 30px;padding:0;list-style:none}
.status-list li{margin-bottom:10px}
/* agreement */
.agreement__caption{color:#4b5257;font-size:1.1875rem;margin:0 0 5px;display:flex;flex-wrap:wrap;align-items:center;gap:5px 15px}
.agreement__actions{display:flex;flex-wrap:wrap;margin:0 0 10px}
.agreement__reminder-why{display:block;font-size:1rem;color:#4b5257}
.agreement__undeliverable{display:block;color:#8a1c13;font-size:1rem}
.board{display:grid;gap:15px;margin-bottom:30px}
@media (min-width:40.0625em){.board{grid-template-columns:repeat(3,1fr)}}
.board__column{border-top:8px solid #b1b4b6;background:#f3f2f1;padding:10px 15px}
.board__column--done{border-top-color:#1c6b39}
.board__column--started{border-top-color:#c9a200}
.board__column--planned{border-top-color:#b3261e}
.board__title{margin:0 0 10px;font-size:1.1875rem}
.board__count{font-weight:400}
.board__cards{list-style:none;margin:0;padding:0}
.board__card{background:#fff;border:1px solid #b1b4b6;padding:10px;margin-bottom:10px}
.board__card-title{display:block}
.board__card-text{margin:5px 0 0;font-size:1rem}
.board__empty{margin:0;color:#4b5257}
.timeline{list-style:none;margin:0 0 30px;padding:0 0 0 20px;border-left:4px solid #1a4fa0}
.timeline__entry{position:relative;margin-bottom:20px}
.timeline__entry::before{content:"";position:absolute;left:-30px;top:.35em;width:16px;height:16px;border-radius:50%;background:#1a4fa0}
.timeline__what{margin:0 0 2px;font-size:1.1875rem}
.timeline__meta{margin:0 0 5px;color:#4b5257;font-size:1rem}
.timeline__changes{margin:0 0 5px;padding-left:1.25em;font-size:1rem}
.timeline__field{font-weight:700}
.timeline__from{text-decoration:line-through}
.timeline__note{margin:0;font-size:1rem}
@media print{
  .agreement__actions,.agreement__actions *{display:none!important}
  .board{grid-template-columns:repeat(3,1fr)}
  .board__column{background:none;border:1px solid #000;border-top-width:6px}
  .board__card{border-color:#000}
  .board__column,.board__card,.timeline__entry{break-inside:avoid}
  .timeline{border-left-color:#000}
  .timeline__entry::before{background:#000}
}
/* draft */
.caption{display:block;color:#505a5f;font-size:1.1875rem;margin-bottom:5px}
.task-list{list-style:none;margin:0 0 40px;padding:0;border-top:1px solid #b1b4b6}
.task-list__item{display:flex;flex-wrap:wrap;justify-content:space-between;gap:5px 20px;padding:12px 0;border-bottom:1px solid #b1b4b6}
.task-list__link{font-weight:700}
.task-list__status{text-align:right}
.draft-row{border-left:5px solid #b1b4b6;padding-left:15px;margin-bottom:25px}
.draft-row__legend{font-weight:700}
.button-group{display:flex;flex-wrap:wrap;align-items:center;gap:15px 30px;margin-bottom:30px}
.button-group .button{margin:0}
.notification-banner__heading{font-weight:700;font-size:1.25rem}
/* report */
.caption{display:block;color:#4b5257;font-size:1.1875rem;margin-bottom:5px}
.back-link,.back-link:visited{color:#1b1b1b;font-size:1rem}
.back-link::before{content:"‹ "}
.button-group{display:flex;flex-wrap:wrap;align-items:center}
.inline-form{margin:0}
.file-upload{font:inherit;display:block;max-width:100%;padding:5px 0}
.file-upload:focus{outline:3px solid #ffd53d;outline-offset:0;box-shadow:0 0 0 7px #1b1b1b}
.upload-progress[hidden],button[hidden]{display:none}
.upload-progress progress{display:block;width:100%;height:24px;margin-bottom:10px;accent-color:#1c6b39}
.upload-status{margin-bottom:20px}
.panel{background:#1c6b39;color:#fff;text-align:center;padding:25px;margin-bottom:30px}
.panel__title{margin:0 0 15px}
.panel__body{font-size:1.5rem;margin:0;overflow-wrap:anywhere}
.notification-banner__heading{margin:0 0 10px;font-size:1.1875rem}
.report-comment{margin:0 0 15px;padding:5px 15px;border-left:5px solid #b1b4b6;white-space:pre-wrap}
.report-answer{white-space:pre-wrap;overflow-wrap:anywhere}
.report-missing{color:#4b5257;font-style:italic}
.report-outcomes dt{font-weight:700}
.report-outcomes dd{margin:0 0 10px}
.report-row{border-bottom:1px solid #b1b4b6;margin-bottom:30px}
.report-purpose{border-left:5px solid #b1b4b6;padding-left:15px;white-space:pre-wrap}
.report-version{border-top:1px solid #b1b4b6}
.summary-list__value{overflow-wrap:anywhere}
.report-files .table__header,.report-files .table__cell{overflow-wrap:anywhere;padding-right:10px}
@media print{
  .back-link,.upload-form{display:none!important}
  .panel{background:none;color:#000;border:3px solid #000}
  .header,.footer,.skip-link,.header__sign-out,.button,.pagination{display:none!important}
/* dashboard */
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:15px;margin:0 0 30px;padding:0;list-style:none}
.figure{display:block;height:100%;box-sizing:border-box;padding:15px;border:1px solid #b1b4b6;border-left:5px solid #1a4fa0;text-decoration:none}
.figure:hover .figure__label{text-decoration:underline}
.figure__count{display:block;font-size:2.5rem;font-weight:700;line-height:1.1;font-variant-numeric:tabular-nums}
.figure__label{display:block}
.filters{margin-bottom:30px;padding:15px;background:#f3f2f1}
.filters h2{margin-top:0}
.button-group{display:flex;flex-wrap:wrap;align-items:center;gap:15px 30px}
.feed-address{display:block;word-break:break-all;padding:10px;background:#f3f2f1}
  .header,.footer,.skip-link,.header__sign-out,.button,.pagination,.filters{display:none!important}
  body{font-size:12pt;color:#000}
  a,a:visited{color:#000}
  .main a[href^="http"]::after{content:" (" attr(href) ")";font-size:90%}
  .tag{border:1px solid #000;background:none;color:#000}
  .error-summary,.notification-banner{border-color:#000}
  h2,h3{break-after:avoid}
  .table,.summary-list__row{break-inside:avoid}
}
`;
