// Connect a store or the ERP: one form per kind, checked as you go, then tested against the real
// platform by the server before anything is saved. Secrets are sent once and never shown again.
import { useRef, useState } from 'preact/hooks';
import { ErrorNotice, Notice, PageHeader } from '../components/feedback.js';
import { Field, RadioGroup, SelectField, SubmitButton } from '../components/forms.js';
import { api } from '../lib/api.js';
import { describeTest } from '../lib/format.js';
import { html } from '../lib/html.js';
import { Link, useRoute } from '../lib/router.js';
import { connectionBody, EMPTY_FORM, validateConnection } from './connection-rules.js';
import { PolicyFields } from './policy-fields.js';

const KINDS = [
  { value: 'shopify', label: 'Shopify store', hint: 'A custom app’s Admin API token, or a client ID and secret.' },
  { value: 'woocommerce', label: 'WooCommerce store', hint: 'REST API keys with read/write access.' },
  { value: 'erp', label: 'ERP', hint: 'Generic REST, ERPNext or Odoo: the system of record for stock.' },
];

function ShopifyFields({ form, set, errors }) {
  return html`
    <${Field} label="Shop domain" name="shopDomain" value=${form.shopDomain} onValue=${set('shopDomain')} error=${errors.shopDomain} required
      placeholder="your-shop.myshopify.com" hint="The myshopify.com address, not your public domain." />
    <${RadioGroup} legend="How the app signs in" name="shopifyAuth" value=${form.shopifyAuth} onValue=${set('shopifyAuth')} options=${[
      { value: 'static', label: 'Admin API access token', hint: 'Custom apps made in the store admin (shpat_…).' },
      { value: 'client', label: 'Client ID and secret', hint: 'Apps made since 2026; short-lived tokens are fetched for you.' },
    ]} />
    ${
      form.shopifyAuth === 'static'
        ? html`<div class="grid-2">
          <${Field} label="Admin API access token" name="accessToken" type="password" secret value=${form.accessToken} onValue=${set('accessToken')}
            error=${errors.accessToken} required />
          <${Field} label="API secret key" name="webhookSecret" type="password" secret value=${form.webhookSecret} onValue=${set('webhookSecret')}
            error=${errors.webhookSecret} required hint="Verifies the webhooks Shopify sends us." />
        </div>`
        : html`<div class="grid-2">
          <${Field} label="Client ID" name="clientId" secret value=${form.clientId} onValue=${set('clientId')} error=${errors.clientId} required />
          <${Field} label="Client secret" name="clientSecret" type="password" secret value=${form.clientSecret} onValue=${set('clientSecret')}
            error=${errors.clientSecret} required />
        </div>`
    }
    <${Field} label="API version" name="apiVersion" value=${form.apiVersion} onValue=${set('apiVersion')} error=${errors.apiVersion}
      placeholder="2026-04" hint="Leave empty for the server’s default." />`;
}

function WooCommerceFields({ form, set, errors }) {
  return html`
    <${Field} label="Store address" name="siteUrl" type="url" value=${form.siteUrl} onValue=${set('siteUrl')} error=${errors.siteUrl} required
      placeholder="https://shop.example.com" />
    <div class="grid-2">
      <${Field} label="Consumer key" name="consumerKey" type="password" secret value=${form.consumerKey} onValue=${set('consumerKey')}
        error=${errors.consumerKey} required />
      <${Field} label="Consumer secret" name="consumerSecret" type="password" secret value=${form.consumerSecret} onValue=${set('consumerSecret')}
        error=${errors.consumerSecret} required />
    </div>
    <${Field} label="Webhook secret" name="webhookSecret" type="password" secret value=${form.webhookSecret} onValue=${set('webhookSecret')}
      error=${errors.webhookSecret} required hint="We register the webhooks with this secret; WooCommerce signs every delivery with it." />`;
}

function ErpFields({ form, set, errors }) {
  return html`
    <${SelectField} label="ERP type" name="erpType" value=${form.erpType} onValue=${set('erpType')} options=${[
      { value: 'generic-rest', label: 'Generic REST (stockbridge contract)' },
      { value: 'erpnext', label: 'ERPNext / Frappe' },
      { value: 'odoo', label: 'Odoo' },
    ]} />
    <${Field} label="API address" name="baseUrl" type="url" value=${form.baseUrl} onValue=${set('baseUrl')} error=${errors.baseUrl} required
      placeholder="https://erp.example.com" />
    <div class="grid-2">
      <${Field} label="API key" name="apiKey" type="password" secret value=${form.apiKey} onValue=${set('apiKey')} error=${errors.apiKey} />
      <${Field} label="API secret" name="apiSecret" type="password" secret value=${form.apiSecret} onValue=${set('apiSecret')} error=${errors.apiSecret} />
    </div>
    <${Field} label="Webhook secret" name="webhookSecret" type="password" secret value=${form.webhookSecret} onValue=${set('webhookSecret')}
      hint="Only if the ERP signs stock-change webhooks to us." />
    ${form.erpType === 'odoo' ? html`<${Field} label="Odoo database" name="database" value=${form.database} onValue=${set('database')} />` : null}
    <${SelectField} label="Store sales" name="movementPolicy" value=${form.movementPolicy} onValue=${set('movementPolicy')} options=${[
      { value: 'post-movements', label: 'Post them to the ERP as stock movements' },
      { value: 'reserve-only', label: 'Only reserve them; the ERP imports orders itself' },
    ]} />`;
}

export function NewConnectionPage() {
  const { query } = useRoute();
  const [form, setForm] = useState({
    ...EMPTY_FORM,
    kind: KINDS.some((k) => k.value === query.get('kind')) ? query.get('kind') : 'shopify',
  });
  const [errors, setErrors] = useState({});
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState(null);
  const [created, setCreated] = useState(null);
  const formRef = useRef(null);

  const set = (field) => (value) => {
    const next = { ...form, [field]: value };
    setForm(next);
    // After the first attempt, errors follow the typing, so a fixed field clears at once.
    if (checked) setErrors(validateConnection(next));
  };

  const submit = async (event) => {
    event.preventDefault();
    setChecked(true);
    setFailure(null);
    const found = validateConnection(form);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => formRef.current?.querySelector('[aria-invalid="true"]')?.focus());
      return;
    }
    setBusy(true);
    try {
      setCreated(await api.post('/api/v1/connections', connectionBody(form)));
    } catch (error) {
      setErrors({ ...found, ...error.fieldErrors?.() });
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    const words = describeTest(created.test);
    return html`<section>
      <${PageHeader} title="Connected" subtitle=${created.name} />
      <${Notice} kind="success" title=${`${words.headline}: ${created.name}`}>
        <p>${words.detail}</p>
        <p>${created.webhooks} webhook subscription${created.webhooks === 1 ? '' : 's'} registered on the platform.</p>
      </${Notice}>
      <p class="actions"><${Link} class="button button-primary" href=${`/connections/${created.id}`}>Map locations and set policies</${Link}>
        <${Link} class="button" href="/connections">Back to connections</${Link}></p>
    </section>`;
  }

  const testFailed = failure?.code === 'CONNECTION_TEST_FAILED' ? describeTest(failure.details?.test) : null;
  const Fields = { shopify: ShopifyFields, woocommerce: WooCommerceFields, erp: ErpFields }[form.kind];
  return html`<section>
    <${PageHeader} title="Connect a store or ERP" subtitle="We test the connection against the platform before saving it." />
    ${
      testFailed
        ? html`<${Notice} kind="error" title=${`Connection test failed: ${testFailed.headline}`}>${testFailed.detail}</${Notice}>`
        : html`<${ErrorNotice} error=${failure} title="Could not connect" />`
    }
    <form ref=${formRef} class="card form" onSubmit=${submit} novalidate>
      <${RadioGroup} legend="What are you connecting?" name="kind" value=${form.kind} onValue=${set('kind')} options=${KINDS} />
      <${Field} label="Name" name="name" value=${form.name} onValue=${set('name')} error=${errors.name} required placeholder="e.g. EU web shop" />
      <${Fields} form=${form} set=${set} errors=${errors} />
      ${
        form.kind !== 'erp'
          ? html`<${PolicyFields} form=${form} set=${set} errors=${errors} />
          <details class="advanced">
            <summary>Advanced: API address override</summary>
            <${Field} label="API base URL" name="baseUrl" type="url" value=${form.baseUrl} onValue=${set('baseUrl')} error=${errors.baseUrl}
              hint="Only for simulators and test servers: replaces the platform’s own API address." />
          </details>`
          : null
      }
      <p class="hint">Secrets are encrypted on the server and never shown again; to change one, reconnect.</p>
      <div class="actions"><${SubmitButton} busy=${busy} busyLabel="Testing the connection…">Test and connect</${SubmitButton}>
        <${Link} class="button button-quiet" href="/connections">Cancel</${Link}></div>
    </form>
  </section>`;
}
