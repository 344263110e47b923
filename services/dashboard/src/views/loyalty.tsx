import type { ComponentChildren } from 'preact';
import { api } from '../api';
import type { Session } from '../session';
import { Empty, formatDateTime, formatPercent, Show, useResource } from '../ui';

/** An estimate with its 95 % interval and the sample it rests on, as the API sends it. */
interface Interval {
  estimate: number;
  low: number;
  high: number;
  sampleSize: number;
}
type Quantiles = Record<'p10' | 'p25' | 'p50' | 'p75' | 'p90', number>;
interface Parameter {
  estimate: number;
  low?: number;
  high?: number;
}
interface FittedModel {
  fitted: true;
  bgNbd: Record<string, Parameter>;
  gammaGamma: Record<string, Parameter>;
  logLikelihood: number;
  fitCheck: { repeatPurchases: string; observed: number; expected: number }[];
  fitCheckLargestGap: number;
  validated: boolean;
  clv: {
    horizonWeeks: number;
    discountRatePerMonth: number;
    quantiles: Quantiles;
    total: number;
    topFifthThreshold: number;
    topFifthShare: number;
    channels: { channel: string; topFifth: number; others: number }[];
  };
}
interface LoyaltyDriver {
  factor: string;
  exposed: number;
  unexposed: number;
  churnRiskExposed: number;
  churnRiskUnexposed: number;
  relativeRisk: number;
  relativeRiskLow: number;
  relativeRiskHigh: number;
  qValue: number;
  significant: boolean;
  spendDifference: number;
  spendDifferenceLow: number;
  spendDifferenceHigh: number;
}
interface Loyalty {
  computedAt: string;
  asOf: string;
  customers: number;
  buyers: number;
  repeatPurchaseRate?: Interval;
  cohorts: { cohort: string; customers: number; retained: Interval[] }[];
  contractRetention: { time: number; surviving: number; atRisk: number }[];
  historicValue: {
    spendPerCustomer?: Interval;
    bySegment: { segment: string; spend?: Interval }[];
    repeatRevenue: number;
    totalRevenue: number;
  };
  interPurchaseDays?: Quantiles;
  model: { fitted: false; reason: string } | FittedModel;
  holdout?: {
    calibrationEnd: string;
    holdoutWeeks: number;
    buyers: number;
    predicted: number;
    actual: number;
    relativeError: number;
  };
  advocacy: { group: string; windowDays: number; retention?: Interval; spend?: Interval }[];
  drivers: LoyaltyDriver[];
  limits: string[];
}

const QUANTILE_LABELS: [keyof Quantiles, string][] = [
  ['p10', '10th percentile'],
  ['p25', '25th percentile'],
  ['p50', 'Median'],
  ['p75', '75th percentile'],
  ['p90', '90th percentile'],
];

/** Money in the organisation's currency: summaries keep one currency per customer, amounts without it. */
function formatMoney(value: number): string {
  return value.toLocaleString('en-GB', { maximumFractionDigits: 0 });
}
const formatNumber = (value: number, digits = 2) =>
  value.toLocaleString('en-GB', { maximumFractionDigits: digits });
const percentWithInterval = (interval: Interval | undefined) =>
  interval
    ? `${formatPercent(interval.estimate)} (${formatPercent(interval.low)}–${formatPercent(interval.high)})`
    : '—';
const moneyWithInterval = (interval: Interval | undefined) =>
  interval
    ? `${formatMoney(interval.estimate)} (${formatMoney(interval.low)}–${formatMoney(interval.high)})`
    : '—';

/** `topic:delivery_delay` → "Topic: delivery delay"; `nps:detractor` → "NPS detractors". */
function factorLabel(factor: string): string {
  const [kind, value = ''] = factor.split(':', 2);
  if (kind === 'nps') return `NPS ${value}s`;
  if (kind === 'topic') return `Topic: ${value.replaceAll('_', ' ')}`;
  return factor;
}
const formatQ = (q: number) => (q < 0.001 ? 'q < 0.001' : `q = ${formatNumber(q, 3)}`);

export function LoyaltyView({ session }: { session: Session }) {
  const { resource, reload } = useResource(
    () => api.get<Loyalty>(`/v1/orgs/${session.orgId}/loyalty`),
    [session.orgId],
  );
  return (
    <section aria-labelledby="loyalty-title">
      <h1 id="loyalty-title">Loyalty &amp; value</h1>
      {resource.state === 'error' && resource.error.status === 404 ? (
        <Empty>
          No customer outcomes yet: send purchases, refunds, renewals or cancellations to a source (webhook,
          import or <code>pnpm cxloop import-outcomes</code>) and the analysis appears here.
        </Empty>
      ) : (
        <Show resource={resource} retry={reload} what="Loading loyalty and value">
          {(loyalty) => <LoyaltyFigures loyalty={loyalty} />}
        </Show>
      )}
    </section>
  );
}

function LoyaltyFigures({ loyalty }: { loyalty: Loyalty }) {
  const { historicValue } = loyalty;
  return (
    <>
      <div class="card">
        <dl class="kv" aria-label="Loyalty overview">
          <dt>Customers</dt>
          <dd data-figure="customers">{loyalty.customers}</dd>
          <dt>Buyers</dt>
          <dd data-figure="buyers">{loyalty.buyers}</dd>
          <dt>Repeat purchase rate</dt>
          <dd data-figure="repeat-rate">
            {percentWithInterval(loyalty.repeatPurchaseRate)}
            {loyalty.repeatPurchaseRate && ` · n = ${loyalty.repeatPurchaseRate.sampleSize}`}
          </dd>
          <dt>Revenue from repeat purchases</dt>
          <dd data-figure="repeat-revenue">
            {formatMoney(historicValue.repeatRevenue)} of {formatMoney(historicValue.totalRevenue)} (
            {formatPercent(
              historicValue.totalRevenue > 0
                ? historicValue.repeatRevenue / historicValue.totalRevenue
                : null,
            )}
            ): what loyalty brought in over the period observed
          </dd>
          <dt>Computed</dt>
          <dd>{formatDateTime(loyalty.computedAt)}</dd>
        </dl>
      </div>
      <CohortRetention cohorts={loyalty.cohorts} />
      {loyalty.contractRetention.length > 0 && <ContractRetention curve={loyalty.contractRetention} />}
      <div class="grid-2">
        <div class="card">
          <h2>Spend per customer and segment</h2>
          <p>
            All buyers:{' '}
            <span data-figure="spend-per-customer">{moneyWithInterval(historicValue.spendPerCustomer)}</span>
            {historicValue.spendPerCustomer && ` · n = ${historicValue.spendPerCustomer.sampleSize}`}
          </p>
          <FigureTable
            label="Spend per segment"
            columns={['Segment', 'Mean spend (95 % interval)', 'Customers']}
          >
            {historicValue.bySegment.map((row) => (
              <tr key={row.segment} data-segment={row.segment}>
                <td>{row.segment}</td>
                <td>{moneyWithInterval(row.spend)}</td>
                <td>{row.spend?.sampleSize ?? '—'}</td>
              </tr>
            ))}
          </FigureTable>
        </div>
        <div class="card">
          <h2>Time between purchases</h2>
          {loyalty.interPurchaseDays ? (
            <QuantileBars
              label="Days between purchases of repeat buyers"
              quantiles={loyalty.interPurchaseDays}
              format={(days) => `${formatNumber(days, 0)} days`}
            />
          ) : (
            <Empty>No customer has bought twice yet.</Empty>
          )}
        </div>
      </div>
      {loyalty.model.fitted ? (
        <ValueModel model={loyalty.model} holdout={loyalty.holdout} />
      ) : (
        <div class="card">
          <h2>Predicted lifetime value</h2>
          <Empty>No predictive model yet: {loyalty.model.reason}.</Empty>
        </div>
      )}
      <LoyaltyDrivers drivers={loyalty.drivers} />
      <Advocacy advocacy={loyalty.advocacy} />
      <div class="card">
        <h2>Read these figures with care</h2>
        <ul aria-label="Limits of the analysis">
          {loyalty.limits.map((limit) => (
            <li key={limit}>{limit}</li>
          ))}
        </ul>
      </div>
    </>
  );
}

/** A table of figures with its accessible name and column headers; it scrolls inside its card when narrow. */
function FigureTable({
  label,
  columns,
  children,
}: {
  label: string;
  columns: readonly string[];
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function QuantileBars({
  label,
  quantiles,
  format,
}: {
  label: string;
  quantiles: Quantiles;
  format: (value: number) => string;
}) {
  const largest = Math.max(quantiles.p90, 1e-9);
  return (
    <ul class="bars" aria-label={label}>
      {QUANTILE_LABELS.map(([key, name]) => (
        <li key={key} class="bar-row" data-quantile={key}>
          <span class="bar-label">{name}</span>
          <span class="bar" aria-hidden="true">
            <span class="fill value-fill" style={{ width: `${(quantiles[key] / largest) * 100}%` }} />
          </span>
          <span class="bar-value">{format(quantiles[key])}</span>
        </li>
      ))}
    </ul>
  );
}

function CohortRetention({ cohorts }: { cohorts: Loyalty['cohorts'] }) {
  const months = Math.max(0, ...cohorts.map((cohort) => cohort.retained.length));
  return (
    <div class="card">
      <h2>Retention by first-purchase month</h2>
      <p class="muted small">
        Share of each month's new buyers still buying 1, 2, 3 … months later. Hover or focus a cell for its 95
        % interval.
      </p>
      {cohorts.length === 0 ? (
        <Empty>No purchases yet.</Empty>
      ) : (
        <div class="table-wrap">
          <table class="cohorts" aria-label="Cohort retention">
            <thead>
              <tr>
                <th scope="col">First purchase</th>
                <th scope="col">Buyers</th>
                {Array.from({ length: months }, (_, k) => (
                  <th scope="col" key={k}>
                    +{k + 1} mo
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {cohorts.map((cohort) => (
                <tr key={cohort.cohort} data-cohort={cohort.cohort}>
                  <th scope="row">{cohort.cohort}</th>
                  <td>{cohort.customers}</td>
                  {Array.from({ length: months }, (_, k) => {
                    const point = cohort.retained[k];
                    return point ? (
                      <td
                        key={k}
                        class="retention-cell"
                        // Shade follows the number printed in the cell: the colour never carries meaning alone.
                        style={{ '--share': point.estimate }}
                        title={`95 % interval ${formatPercent(point.low)}–${formatPercent(point.high)}, n = ${point.sampleSize}`}
                      >
                        {formatPercent(point.estimate)}
                      </td>
                    ) : (
                      <td key={k} class="muted">
                        <abbr title="not observed yet">–</abbr>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function ContractRetention({ curve }: { curve: Loyalty['contractRetention'] }) {
  // A handful of points is enough to read the curve; the full curve is in the API.
  const step = Math.max(1, Math.ceil(curve.length / 8));
  const shown = curve.filter((_, i) => i % step === 0 || i === curve.length - 1);
  return (
    <div class="card">
      <h2>Contract retention</h2>
      <p class="muted small">
        Kaplan–Meier share of contracts still running, from renewals and cancellations.
      </p>
      <FigureTable
        label="Contract retention"
        columns={['Days since the contract started', 'Still running', 'At risk']}
      >
        {shown.map((point) => (
          <tr key={point.time}>
            <td>{point.time}</td>
            <td>{formatPercent(point.surviving)}</td>
            <td>{point.atRisk}</td>
          </tr>
        ))}
      </FigureTable>
    </div>
  );
}

function ParameterRows({ model, parameters }: { model: string; parameters: Record<string, Parameter> }) {
  return (
    <>
      {Object.entries(parameters).map(([name, parameter]) => (
        <tr key={`${model}-${name}`} data-parameter={name}>
          <td>{model}</td>
          <th scope="row">{name}</th>
          <td>{formatNumber(parameter.estimate, 3)}</td>
          <td>
            {parameter.low !== undefined && parameter.high !== undefined
              ? `${formatNumber(parameter.low, 3)}–${formatNumber(parameter.high, 3)}`
              : 'not available'}
          </td>
        </tr>
      ))}
    </>
  );
}

function ValueModel({ model, holdout }: { model: FittedModel; holdout: Loyalty['holdout'] }) {
  const { clv } = model;
  return (
    <>
      <div class="grid-2">
        <div class="card">
          <h2>Predicted lifetime value</h2>
          <p class="muted small">
            Next {clv.horizonWeeks} weeks per buyer, discounted {formatPercent(clv.discountRatePerMonth)} a
            month.
          </p>
          <QuantileBars
            label="Predicted lifetime value per buyer"
            quantiles={clv.quantiles}
            format={formatMoney}
          />
          <dl class="kv">
            <dt>All buyers together</dt>
            <dd data-figure="clv-total">{formatMoney(clv.total)}</dd>
            <dt>Top 20 % of buyers</dt>
            <dd data-figure="top-fifth">
              {formatMoney(clv.topFifthThreshold)} or more each; {formatPercent(clv.topFifthShare)} of all
              predicted value
            </dd>
          </dl>
        </div>
        <div class="card">
          <h2>Channels of high-value customers</h2>
          <FigureTable
            label="Channels used by the top 20 % and the others"
            columns={['Channel', 'Top 20 % using it', 'Others using it']}
          >
            {clv.channels.map((row) => (
              <tr key={row.channel} data-channel={row.channel}>
                <td>{row.channel}</td>
                <td>{formatPercent(row.topFifth)}</td>
                <td>{formatPercent(row.others)}</td>
              </tr>
            ))}
          </FigureTable>
        </div>
      </div>
      <div class="grid-2">
        <div class="card">
          <h2>Fitted model</h2>
          <p class="muted small">
            BG/NBD (repeat purchases and when customers stop) and Gamma-Gamma (spend per purchase), fitted by
            maximum likelihood. Log-likelihood {formatNumber(model.logLikelihood, 1)}.
          </p>
          <FigureTable
            label="Fitted parameters"
            columns={['Model', 'Parameter', 'Estimate', '95 % interval']}
          >
            <ParameterRows model="BG/NBD" parameters={model.bgNbd} />
            <ParameterRows model="Gamma-Gamma" parameters={model.gammaGamma} />
          </FigureTable>
        </div>
        <div class="card">
          <h2>Model check</h2>
          <p data-figure="model-check">
            {model.validated ? 'Passed' : 'Not passed'}: the largest gap between the buyers observed and
            expected at a repeat count is {formatPercent(model.fitCheckLargestGap)} of all buyers.
          </p>
          <p data-figure="holdout">
            {holdout
              ? `Calibration vs hold-out: fitted on purchases up to ${holdout.calibrationEnd}, the model expected ` +
                `${formatNumber(holdout.predicted, 0)} purchases by ${formatNumber(holdout.buyers, 0)} buyers in the ` +
                `${holdout.holdoutWeeks} weeks after it; they made ${formatNumber(holdout.actual, 0)} ` +
                `(${holdout.relativeError >= 0 ? '+' : '−'}${formatPercent(Math.abs(holdout.relativeError))}).`
              : 'No hold-out check yet: it needs 200 buyers and at least eight weeks of purchases.'}
          </p>
          <FigureTable
            label="Buyers by repeat purchases, observed and expected"
            columns={['Repeat purchases', 'Buyers observed', 'Expected by the model']}
          >
            {model.fitCheck.map((row) => (
              <tr key={row.repeatPurchases}>
                <td>{row.repeatPurchases}</td>
                <td>{row.observed}</td>
                <td>{formatNumber(row.expected, 1)}</td>
              </tr>
            ))}
          </FigureTable>
        </div>
      </div>
    </>
  );
}

function LoyaltyDrivers({ drivers }: { drivers: LoyaltyDriver[] }) {
  return (
    <div class="card">
      <h2>Drivers of loyalty</h2>
      <p class="muted small">
        What customers said (topics, NPS group) against whether they bought again within 90 days. Relative
        risk above 1 means more customers with the factor stopped buying. Significant: q below 5 % after
        correcting for testing many factors (Benjamini–Hochberg). An association, not proof of cause.
      </p>
      {drivers.length === 0 ? (
        <Empty>
          Not enough customers with both feedback and purchases yet (each factor needs 30 customers with it
          and 30 without, whose 90 days after answering are over).
        </Empty>
      ) : (
        <FigureTable
          label="Drivers of loyalty"
          columns={[
            'Factor',
            'Stopped buying: with / without',
            'Relative risk (95 % interval)',
            'Customers with / without',
            'Spend difference in 90 days (95 % interval)',
            'Significant',
          ]}
        >
          {drivers.map((driver) => (
            <tr key={driver.factor} data-factor={driver.factor}>
              <th scope="row">{factorLabel(driver.factor)}</th>
              <td>
                {formatPercent(driver.churnRiskExposed)} / {formatPercent(driver.churnRiskUnexposed)}
              </td>
              <td>
                {formatNumber(driver.relativeRisk)} ({formatNumber(driver.relativeRiskLow)}–
                {formatNumber(driver.relativeRiskHigh)})
              </td>
              <td>
                {driver.exposed} / {driver.unexposed}
              </td>
              <td>
                {formatMoney(driver.spendDifference)} ({formatMoney(driver.spendDifferenceLow)} to{' '}
                {formatMoney(driver.spendDifferenceHigh)})
              </td>
              <td>
                {driver.significant ? `Yes (${formatQ(driver.qValue)})` : `No (${formatQ(driver.qValue)})`}
              </td>
            </tr>
          ))}
        </FigureTable>
      )}
    </div>
  );
}

function Advocacy({ advocacy }: { advocacy: Loyalty['advocacy'] }) {
  return (
    <div class="card">
      <h2>Advocacy and retention</h2>
      <p class="muted small">
        After answering the NPS question: the share who bought again and their predicted spend, per window.
      </p>
      <FigureTable
        label="Retention by NPS group"
        columns={[
          'NPS group',
          'Window',
          'Bought again (95 % interval)',
          'Spend (95 % interval)',
          'Customers',
        ]}
      >
        {advocacy.map((row) => (
          <tr key={`${row.group}-${row.windowDays}`} data-group={row.group} data-window={row.windowDays}>
            <th scope="row">{row.group}s</th>
            <td>{row.windowDays} days</td>
            <td>{percentWithInterval(row.retention)}</td>
            <td>{moneyWithInterval(row.spend)}</td>
            <td>{row.retention?.sampleSize ?? 0}</td>
          </tr>
        ))}
      </FigureTable>
    </div>
  );
}
