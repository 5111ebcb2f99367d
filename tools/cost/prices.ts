/**
 * The price table: the dated cost/prices-us-east-2.json, optionally overridden by the public AWS Price
 * List bulk JSON (`--price-list DIR`). Only hourly on-demand instance and node prices are taken from
 * the Price List; everything else stays as the table says.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Price, PriceTable } from "./types";

export const PRICE_FILE = "prices-us-east-2.json";

/** A price table key that is missing: the message names the key and where to add it. */
export class MissingPriceError extends Error {
  constructor(id: string) {
    super(`no price for "${id}" in cost/${PRICE_FILE}: add it (with its source), or pass --price-list DIR`);
    this.name = "MissingPriceError";
  }
}

export function loadPriceTable(costDir: string): PriceTable {
  const table = JSON.parse(readFileSync(join(costDir, PRICE_FILE), "utf8")) as PriceTable;
  for (const [id, price] of Object.entries(table.prices))
    if (!(price.usd >= 0) || !price.source)
      throw new Error(`cost/${PRICE_FILE}: ${id} needs usd >= 0 and a source`);
  return table;
}

/** The price of `id`; throws MissingPriceError when the table has none. */
export function priceOf(table: PriceTable, id: string): Price {
  const price = table.prices[id];
  if (!price) throw new MissingPriceError(id);
  return price;
}

/**
 * Which Price List products map to which table keys. The file in DIR is named after the offer code
 * (AmazonEC2.json, AmazonElastiCache.json): the region index of the bulk API
 * (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/us-east-2/index.json), saved
 * under that name.
 */
interface OfferMapping {
  readonly prefix: string;
  /** Products that match the instances this project runs (Linux, shared tenancy, on-demand capacity). */
  readonly matches: (attributes: Record<string, string>) => boolean;
}

const OFFERS: Readonly<Record<string, OfferMapping>> = {
  AmazonEC2: {
    prefix: "ec2",
    matches: (a) =>
      a.operatingSystem === "Linux" &&
      a.tenancy === "Shared" &&
      a.preInstalledSw === "NA" &&
      (a.capacitystatus ?? "Used") === "Used" &&
      (a.licenseModel ?? "No License required") === "No License required",
  },
  AmazonElastiCache: {
    prefix: "elasticache",
    matches: (a) => (a.cacheEngine ?? "Redis") === "Redis",
  },
};

/* eslint-disable @typescript-eslint/no-explicit-any -- the Price List bulk JSON is untyped */
/** The hourly on-demand USD price of a SKU, if its OnDemand terms have exactly one hourly dimension. */
function hourlyOnDemand(terms: any, sku: string): number | undefined {
  const dimensions = Object.values(terms?.OnDemand?.[sku] ?? {}).flatMap((term: any) =>
    Object.values(term.priceDimensions ?? {}),
  ) as any[];
  const hourly = dimensions.filter((d) => d.unit === "Hrs" && d.pricePerUnit?.USD !== undefined);
  return hourly.length === 1 ? Number(hourly[0].pricePerUnit.USD) : undefined;
}

/** Table keys -> prices read from one Price List offer file, for `region` only. */
export function readPriceListOffer(file: string, offer: string, region: string): Record<string, Price> {
  const mapping = OFFERS[offer];
  const doc = JSON.parse(readFileSync(file, "utf8"));
  const out: Record<string, Price> = {};
  for (const [sku, product] of Object.entries<any>(doc.products ?? {})) {
    const a = product.attributes ?? {};
    if (a.regionCode !== region || !a.instanceType || !mapping.matches(a)) continue;
    const usd = hourlyOnDemand(doc.terms, sku);
    if (usd === undefined || !(usd > 0)) continue;
    out[`${mapping.prefix}:${a.instanceType}`] = {
      usd,
      unit: "hour",
      source: `AWS Price List ${offer} ${doc.publicationDate ?? ""} (SKU ${sku})`.replace("  ", " "),
    };
  }
  return out;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** `table` with the instance and node prices of every known offer file in `dir` overriding it. */
export function withPriceList(table: PriceTable, dir: string): PriceTable {
  if (!existsSync(dir)) throw new Error(`--price-list ${dir}: no such directory`);
  const files = readdirSync(dir).filter((f) => f.replace(/\.json$/, "") in OFFERS && f.endsWith(".json"));
  if (files.length === 0)
    throw new Error(
      `--price-list ${dir}: no ${Object.keys(OFFERS)
        .map((o) => `${o}.json`)
        .join(" or ")} in it`,
    );
  const overrides = Object.assign(
    {},
    ...files.map((f) => readPriceListOffer(join(dir, f), f.replace(/\.json$/, ""), table.region)),
  );
  return { ...table, prices: { ...table.prices, ...overrides } };
}
