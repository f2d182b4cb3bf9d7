// What a connection form must contain, checked in the browser before anything is sent, with the
// same rules the server applies (src/connections/create-input.ts). The server re-checks everything.
import { parseWholeNumber } from '../components/forms.js';

const SHOP_DOMAIN = /^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$/;

function isUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export const EMPTY_FORM = {
  kind: 'shopify',
  name: '',
  shopDomain: '',
  shopifyAuth: 'static',
  accessToken: '',
  webhookSecret: '',
  clientId: '',
  clientSecret: '',
  apiVersion: '',
  siteUrl: '',
  consumerKey: '',
  consumerSecret: '',
  erpType: 'generic-rest',
  baseUrl: '',
  apiKey: '',
  apiSecret: '',
  database: '',
  movementPolicy: 'post-movements',
  bufferQuantity: '0',
  capQuantity: '',
  allocationPercent: '',
  manualEditPolicy: 'erp-wins',
};

/** Field → message for everything wrong with the form; empty when it can be sent. */
export function validateConnection(form) {
  const errors = {};
  const need = (field, message) => {
    if (!String(form[field] ?? '').trim()) errors[field] = message;
  };
  need('name', 'Give the connection a name people will recognise.');
  if (form.kind === 'shopify') {
    if (!form.shopDomain.trim()) errors.shopDomain = 'Enter the shop’s myshopify.com domain.';
    else if (!SHOP_DOMAIN.test(form.shopDomain.trim()))
      errors.shopDomain = 'Must look like your-shop.myshopify.com (not the public domain).';
    if (form.shopifyAuth === 'static') {
      need('accessToken', 'Paste the Admin API access token (starts with shpat_).');
      need('webhookSecret', 'Paste the app’s API secret key; it signs webhooks.');
    } else {
      need('clientId', 'Paste the app’s client ID.');
      need('clientSecret', 'Paste the app’s client secret.');
    }
    if (form.apiVersion.trim() && !/^\d{4}-\d{2}$/.test(form.apiVersion.trim())) errors.apiVersion = 'Use the form YYYY-MM, e.g. 2026-04.';
  }
  if (form.kind === 'woocommerce') {
    if (!form.siteUrl.trim()) errors.siteUrl = 'Enter the store’s address.';
    else if (!isUrl(form.siteUrl.trim())) errors.siteUrl = 'Enter a full address such as https://shop.example.com.';
    need('consumerKey', 'Paste the REST API consumer key (ck_…).');
    need('consumerSecret', 'Paste the REST API consumer secret (cs_…).');
    need('webhookSecret', 'Choose a webhook secret; WooCommerce signs deliveries with it.');
  }
  if (form.kind === 'erp') {
    if (!form.baseUrl.trim()) errors.baseUrl = 'Enter the ERP’s API address.';
    else if (!isUrl(form.baseUrl.trim())) errors.baseUrl = 'Enter a full address such as https://erp.example.com.';
  } else {
    if (form.baseUrl.trim() && !isUrl(form.baseUrl.trim())) errors.baseUrl = 'Enter a full address, or leave it empty.';
    Object.assign(errors, validatePolicy(form));
  }
  return errors;
}

/** Buffer, cap and allocation: whole numbers in range. */
export function validatePolicy(form) {
  const errors = {};
  const buffer = parseWholeNumber(form.bufferQuantity);
  if (Number.isNaN(buffer) || (buffer !== null && buffer > 1_000_000)) errors.bufferQuantity = 'A whole number of units, 0 or more.';
  const cap = parseWholeNumber(form.capQuantity);
  if (Number.isNaN(cap)) errors.capQuantity = 'A whole number of units, or empty for no cap.';
  const allocation = parseWholeNumber(form.allocationPercent);
  if (Number.isNaN(allocation) || (allocation !== null && (allocation < 1 || allocation > 100))) {
    errors.allocationPercent = 'A whole percentage from 1 to 100, or empty for all of it.';
  }
  return errors;
}

export function policyBody(form) {
  return {
    bufferQuantity: parseWholeNumber(form.bufferQuantity) ?? 0,
    capQuantity: parseWholeNumber(form.capQuantity),
    allocationPercent: parseWholeNumber(form.allocationPercent),
    manualEditPolicy: form.manualEditPolicy,
  };
}

const optional = (text) => (String(text ?? '').trim() ? String(text).trim() : undefined);

/** The POST /api/v1/connections body for the form (secrets included; sent once, never shown again). */
export function connectionBody(form) {
  const name = form.name.trim();
  if (form.kind === 'shopify') {
    const credentials =
      form.shopifyAuth === 'static'
        ? { accessToken: form.accessToken.trim(), webhookSecret: form.webhookSecret.trim() }
        : { clientId: form.clientId.trim(), clientSecret: form.clientSecret.trim() };
    return {
      kind: 'shopify',
      name,
      shopDomain: form.shopDomain.trim(),
      ...credentials,
      apiVersion: optional(form.apiVersion),
      baseUrl: optional(form.baseUrl),
      ...policyBody(form),
    };
  }
  if (form.kind === 'woocommerce') {
    return {
      kind: 'woocommerce',
      name,
      siteUrl: form.siteUrl.trim(),
      consumerKey: form.consumerKey.trim(),
      consumerSecret: form.consumerSecret.trim(),
      webhookSecret: form.webhookSecret.trim(),
      baseUrl: optional(form.baseUrl),
      ...policyBody(form),
    };
  }
  return {
    kind: 'erp',
    erpType: form.erpType,
    name,
    baseUrl: form.baseUrl.trim(),
    apiKey: optional(form.apiKey),
    apiSecret: optional(form.apiSecret),
    webhookSecret: optional(form.webhookSecret),
    database: form.erpType === 'odoo' ? optional(form.database) : undefined,
    movementPolicy: form.movementPolicy,
  };
}
