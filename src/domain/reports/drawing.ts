import { createRequire } from 'node:module';
import type { stream, Worksheet } from 'exceljs';

const require = createRequire(import.meta.url);

const DRAWING_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing';
const IMAGE_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/image';
const EMU_PER_PIXEL = 9525;

type Writer = stream.xlsx.WorkbookWriter;
// The streaming writer's internals this module reaches into (exceljs 4.4), typed once by declaration merging.
declare module 'exceljs' {
  namespace stream.xlsx {
    interface WorkbookWriter {
      zip: { append(data: string | Buffer, options: { name: string }): void };
      media: unknown[];
      _worksheets: unknown[];
      sharedStrings: unknown;
      commentRefs: unknown;
      addContentTypes(): Promise<void>;
    }
  }
  interface Worksheet {
    stream: { write(xml: string): void };
    _sheetRelsWriter: { addRelationship(rel: { Target: string; Type: string }): string };
    _writeLegacyData(): void;
  }
}

/**
 * Anchors a PNG on a streamed sheet. exceljs's streaming writer can only add background images, so this writes the
 * drawing part itself: the sheet's `<drawing>` element and relationship, the drawing XML with its own relationship to
 * the image, and the drawing's content type. One image per workbook (it is `drawing1`).
 */
export function embedPicture(
  workbook: Writer,
  sheet: Worksheet,
  png: Buffer,
  at: { col: number; row: number; widthPx: number; heightPx: number },
): void {
  const imageId = workbook.addImage({ buffer: png as never, extension: 'png' });
  const imageName = `image${imageId}.png`;
  const writeLegacy = sheet._writeLegacyData.bind(sheet);
  // `<drawing>` goes after the header/footer and before legacy drawings, which is where this hook writes.
  sheet._writeLegacyData = () => {
    const rId = sheet._sheetRelsWriter.addRelationship({ Target: '../drawings/drawing1.xml', Type: DRAWING_REL });
    sheet.stream.write(`<drawing r:id="${rId}"/>`);
    writeLegacy();
  };
  workbook.zip.append(drawingXml(at), { name: 'xl/drawings/drawing1.xml' });
  workbook.zip.append(relsXml(imageName), { name: 'xl/drawings/_rels/drawing1.xml.rels' });
  workbook.addContentTypes = async () => {
    const model = {
      worksheets: workbook._worksheets.filter(Boolean),
      sharedStrings: workbook.sharedStrings,
      commentRefs: workbook.commentRefs,
      media: workbook.media,
      drawings: [{ name: 'drawing1' }],
    };
    const ContentTypesXform = require('exceljs/lib/xlsx/xform/core/content-types-xform.js');
    workbook.zip.append(new ContentTypesXform().toXml(model), { name: '[Content_Types].xml' });
  };
}

function drawingXml(at: { col: number; row: number; widthPx: number; heightPx: number }): string {
  const cx = at.widthPx * EMU_PER_PIXEL;
  const cy = at.heightPx * EMU_PER_PIXEL;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><xdr:oneCellAnchor><xdr:from><xdr:col>${at.col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${at.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="${cx}" cy="${cy}"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="Chart"/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>`;
}

function relsXml(imageName: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${IMAGE_REL}" Target="../media/${imageName}"/></Relationships>`;
}
