// The Cloud API's content limits, checked before the schema so a too-long title gets the error Meta really sends
// (`131009 Parameter value is not valid` with details) rather than a generic schema error, and the limits the spec
// does not encode at all (text 4,096, captions 1,024, 10 rows across all sections, unique ids and titles).
// Lengths count Unicode code points, as JSON Schema's maxLength does.
import { type GraphError, graphError, invalidParameter } from './errors.ts';

type Body = Record<string, any>;

const length = (value: unknown) => [...String(value ?? '')].length;

function invalid(details: string): GraphError {
  return graphError(131009, details);
}

function lengthError(what: string, value: unknown, max: number): GraphError | undefined {
  const size = length(value);
  if (size >= 1 && size <= max) return undefined;
  return invalid(`${what} length invalid. Min length: 1, Max length: ${max}`);
}

function firstDuplicate(values: string[]): string | undefined {
  return values.find((value, index) => values.indexOf(value) !== index);
}

export function checkLimits(body: Body): GraphError | undefined {
  switch (body.type ?? 'text') {
    case 'text':
      return length(body.text?.body) > 4096
        ? invalidParameter("Param text['body'] must be at most 4096 characters long.")
        : undefined;
    case 'image':
    case 'document':
      return length(body[body.type]?.caption) > 1024
        ? invalidParameter(`Param ${body.type}['caption'] must be at most 1024 characters long.`)
        : undefined;
    case 'interactive':
      return checkInteractive(body.interactive ?? {});
    default:
      return undefined;
  }
}

function checkInteractive(interactive: Body): GraphError | undefined {
  if ((interactive.type === 'button' || interactive.type === 'list') && length(interactive.body?.text) === 0)
    return graphError(131008, 'Required parameter is missing: body text is required for button and list messages.');
  if (interactive.type === 'button') return checkButtons(interactive.action?.buttons ?? []);
  if (interactive.type === 'list') return checkList(interactive.action ?? {});
  return undefined;
}

function checkButtons(buttons: Body[]): GraphError | undefined {
  if (buttons.length < 1 || buttons.length > 3)
    return invalid(`Buttons count invalid. Min count: 1, Max count: 3, got ${buttons.length}`);
  for (const button of buttons) {
    const error =
      lengthError('Button title', button.reply?.title, 20) ?? lengthError('Button id', button.reply?.id, 256);
    if (error) return error;
    if (String(button.reply?.id).trim() !== String(button.reply?.id))
      return invalid('Button id must not have leading or trailing spaces');
  }
  if (firstDuplicate(buttons.map((button) => String(button.reply?.title))) !== undefined)
    return invalid('Button title must be unique');
  if (firstDuplicate(buttons.map((button) => String(button.reply?.id))) !== undefined)
    return invalid('Button id must be unique');
  return undefined;
}

function checkList(action: Body): GraphError | undefined {
  const sections: Body[] = action.sections ?? [];
  const rows: Body[] = sections.flatMap((section) => section.rows ?? []);
  const error =
    lengthError('Button text', action.button, 20) ??
    (rows.length > 10 ? invalid(`Total row count exceed max allowed count: 10`) : undefined) ??
    (rows.length === 0 ? invalid('Total row count must be at least 1') : undefined) ??
    (sections.length > 1 && sections.some((section) => length(section.title) === 0)
      ? graphError(131008, 'Section title is required when a list message has more than one section.')
      : undefined);
  if (error) return error;
  for (const section of sections) {
    const sectionError = section.title === undefined ? undefined : lengthError('Section title', section.title, 24);
    if (sectionError) return sectionError;
  }
  for (const row of rows) {
    const rowError =
      lengthError('Row title', row.title, 24) ??
      lengthError('Row id', row.id, 200) ??
      (length(row.description) > 72 ? invalid('Row description length invalid. Max length: 72') : undefined);
    if (rowError) return rowError;
  }
  return firstDuplicate(rows.map((row) => String(row.id))) === undefined ? undefined : invalid('Row id must be unique');
}
