/**
 * The form fields, each one component with the same markup everywhere (the GOV.UK form-group pattern): a label or
 * legend, an optional hint, the error message beside the field, then the control. The field's id comes from its
 * name (`fieldId`), so the error summary's links reach it; hint and error are tied to it by aria-describedby, and
 * a field in error is aria-invalid. Values are always shown as the person typed them.
 */
import type { Child } from "hono/jsx";
import { useContext } from "hono/jsx";
import { MessagesContext } from "./messages-context";

/** The id of the field with this name: "period.end" → "period-end". Error summaries link to it. */
export function fieldId(name: string): string {
  return name.replace(/[^\w-]+/g, "-");
}

interface FieldBase {
  name: string;
  label: string;
  hint?: string;
  /** The message to show beside the field, already in the page's language. */
  error?: string | undefined;
  /** The label also names the page (a one-question page); it becomes the h1. */
  isPageHeading?: boolean;
}

export function Hint({ id, children }: { id: string; children: Child }) {
  return (
    <div id={id} class="hint">
      {children}
    </div>
  );
}

export function ErrorMessage({ id, children }: { id: string; children: Child }) {
  const messages = useContext(MessagesContext);
  return (
    <p id={id} class="error-message">
      <span class="visually-hidden">{messages.t("field.errorPrefix")} </span>
      {children}
    </p>
  );
}

function describedBy(id: string, hint: string | undefined, error: string | undefined): string | undefined {
  const ids = [hint === undefined ? null : `${id}-hint`, error === undefined ? null : `${id}-error`].filter((part) => part !== null);
  return ids.length === 0 ? undefined : ids.join(" ");
}

function FormGroup({ error, children }: { error: string | undefined; children: Child }) {
  return <div class={error === undefined ? "form-group" : "form-group form-group--error"}>{children}</div>;
}

function Label({ id, text, isPageHeading }: { id: string; text: string; isPageHeading: boolean | undefined }) {
  const label = (
    <label class={isPageHeading ? "label label--l" : "label"} for={id}>
      {text}
    </label>
  );
  return isPageHeading ? <h1 class="label-wrapper">{label}</h1> : label;
}

function HintAndError({ id, hint, error }: { id: string; hint: string | undefined; error: string | undefined }) {
  return (
    <>
      {hint === undefined ? null : <Hint id={`${id}-hint`}>{hint}</Hint>}
      {error === undefined ? null : <ErrorMessage id={`${id}-error`}>{error}</ErrorMessage>}
    </>
  );
}

export interface TextInputProps extends FieldBase {
  value?: string | undefined;
  type?: "text" | "email" | "tel" | "url" | "search";
  inputMode?: "numeric" | "decimal" | "email" | "tel";
  autocomplete?: string;
  /** Sized for what is expected: "short" fits a number or a date, "medium" a name. */
  width?: "short" | "medium" | "full";
  spellcheck?: boolean;
}

export function TextInput(props: TextInputProps) {
  const id = fieldId(props.name);
  const width = props.width ?? "full";
  return (
    <FormGroup error={props.error}>
      <Label id={id} text={props.label} isPageHeading={props.isPageHeading} />
      <HintAndError id={id} hint={props.hint} error={props.error} />
      <input
        class={`input input--${width}${props.error === undefined ? "" : " input--error"}`}
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value ?? ""}
        inputmode={props.inputMode}
        autocomplete={props.autocomplete}
        spellcheck={props.spellcheck}
        aria-describedby={describedBy(id, props.hint, props.error)}
        aria-invalid={props.error === undefined ? undefined : "true"}
      />
    </FormGroup>
  );
}

export interface TextareaProps extends FieldBase {
  value?: string | undefined;
  rows?: number;
}

export function Textarea(props: TextareaProps) {
  const id = fieldId(props.name);
  return (
    <FormGroup error={props.error}>
      <Label id={id} text={props.label} isPageHeading={props.isPageHeading} />
      <HintAndError id={id} hint={props.hint} error={props.error} />
      <textarea
        class={`textarea${props.error === undefined ? "" : " textarea--error"}`}
        id={id}
        name={props.name}
        rows={props.rows ?? 5}
        aria-describedby={describedBy(id, props.hint, props.error)}
        aria-invalid={props.error === undefined ? undefined : "true"}
      >
        {props.value ?? ""}
      </textarea>
    </FormGroup>
  );
}

/**
 * A calendar date, written as the catalogue's hint says (år-månad-dag, the Swedish standard form). A text field
 * rather than the browser's date picker, so what was typed is sent and kept as typed, and a wrong date gets the
 * catalogue's message rather than silently becoming empty.
 */
export function DateInput(props: FieldBase & { value?: string | undefined }) {
  const messages = useContext(MessagesContext);
  return <TextInput {...props} hint={props.hint ?? messages.t("field.dateHint")} width="short" autocomplete="off" spellcheck={false} />;
}

export interface Option {
  value: string;
  text: string;
  hint?: string;
}

export interface SelectProps extends FieldBase {
  options: readonly Option[];
  value?: string | undefined;
}

export function Select(props: SelectProps) {
  const id = fieldId(props.name);
  return (
    <FormGroup error={props.error}>
      <Label id={id} text={props.label} isPageHeading={props.isPageHeading} />
      <HintAndError id={id} hint={props.hint} error={props.error} />
      <select
        class={`select${props.error === undefined ? "" : " select--error"}`}
        id={id}
        name={props.name}
        aria-describedby={describedBy(id, props.hint, props.error)}
        aria-invalid={props.error === undefined ? undefined : "true"}
      >
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === props.value}>
            {option.text}
          </option>
        ))}
      </select>
    </FormGroup>
  );
}

export interface FieldsetProps {
  /** The id hint and error hang off; for radios and checkboxes the field's id. */
  id: string;
  legend: string;
  isPageHeading?: boolean;
  hint?: string | undefined;
  error?: string | undefined;
  children: Child;
}

/** A group of controls under one question. */
export function Fieldset(props: FieldsetProps) {
  return (
    <FormGroup error={props.error}>
      <fieldset class="fieldset" aria-describedby={describedBy(props.id, props.hint, props.error)}>
        <legend class={props.isPageHeading ? "fieldset__legend fieldset__legend--l" : "fieldset__legend"}>
          {props.isPageHeading ? <h1 class="fieldset__heading">{props.legend}</h1> : props.legend}
        </legend>
        <HintAndError id={props.id} hint={props.hint} error={props.error} />
        {props.children}
      </fieldset>
    </FormGroup>
  );
}

interface ChoiceProps {
  name: string;
  legend: string;
  isPageHeading?: boolean;
  hint?: string;
  error?: string | undefined;
  options: readonly Option[];
}

/** The first option carries the field's id, so the error summary's link lands on it; the others are numbered. */
function optionId(name: string, index: number): string {
  return index === 0 ? fieldId(name) : `${fieldId(name)}-${index + 1}`;
}

function Choices({ type, name, options, checked }: { type: "radio" | "checkbox"; name: string; options: readonly Option[]; checked: (value: string) => boolean }) {
  return (
    <div class={type === "radio" ? "radios" : "checkboxes"}>
      {options.map((option, index) => {
        const id = optionId(name, index);
        return (
          <div class="choice">
            <input
              class="choice__input"
              id={id}
              name={name}
              type={type}
              value={option.value}
              checked={checked(option.value)}
              aria-describedby={option.hint === undefined ? undefined : `${id}-hint`}
            />
            <label class="choice__label" for={id}>
              {option.text}
            </label>
            {option.hint === undefined ? null : <Hint id={`${id}-hint`}>{option.hint}</Hint>}
          </div>
        );
      })}
    </div>
  );
}

export function Radios(props: ChoiceProps & { value?: string | undefined }) {
  return (
    <Fieldset id={fieldId(props.name)} legend={props.legend} isPageHeading={props.isPageHeading ?? false} hint={props.hint} error={props.error}>
      <Choices type="radio" name={props.name} options={props.options} checked={(value) => value === props.value} />
    </Fieldset>
  );
}

export function Checkboxes(props: ChoiceProps & { values?: readonly string[] }) {
  return (
    <Fieldset id={fieldId(props.name)} legend={props.legend} isPageHeading={props.isPageHeading ?? false} hint={props.hint} error={props.error}>
      <Choices type="checkbox" name={props.name} options={props.options} checked={(value) => props.values?.includes(value) ?? false} />
    </Fieldset>
  );
}
