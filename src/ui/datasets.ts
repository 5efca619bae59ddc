/**
 * The datasets the page offers: NAB series shipped in public/datasets/ (provenance and licence in its
 * README.md) and series generated in the page from a seed (synthetic.ts).
 */
import { GENERATORS, type GeneratorId } from './synthetic';

export interface BuiltIn {
  /** File name in public/datasets/ (also its key in windows.json). */
  file: string;
  /** What it is, in a few words (the picker's option text). */
  title: string;
  /** One sentence for the page. */
  about: string;
}

/** NAB series, MIT licence, copied unchanged (public/datasets/README.md). The first is the default. */
export const BUILT_INS: readonly BuiltIn[] = [
  {
    file: 'machine_temperature_system_failure.csv',
    title: 'Machine temperature (system failure)',
    about: 'a temperature sensor of an industrial machine, every 5 minutes, Dec 2013 – Feb 2014; a planned shutdown and a catastrophic failure',
  },
  {
    file: 'nyc_taxi.csv',
    title: 'NYC taxi passengers',
    about: 'New York taxi passengers per 30 minutes, Jul 2014 – Jan 2015; the marathon, Thanksgiving, Christmas, New Year, a blizzard',
  },
  {
    file: 'ambient_temperature_system_failure.csv',
    title: 'Office temperature (system failure)',
    about: 'hourly ambient temperature in an office, Jul 2013 – May 2014, with two system failures',
  },
  {
    file: 'ec2_request_latency_system_failure.csv',
    title: 'EC2 request latency (system failure)',
    about: 'an AWS EC2 server in Amazon’s US East data centre, every 5 minutes for two weeks of Mar 2014 (CloudWatch), ending in a documented failure of AWS API servers',
  },
  {
    file: 'cpu_utilization_asg_misconfiguration.csv',
    title: 'CPU utilisation (auto-scaling misconfiguration)',
    about: 'average CPU usage across an AWS auto-scaling cluster every 5 minutes, May – Jul 2014, ending in a misconfiguration',
  },
  {
    file: 'rogue_agent_key_hold.csv',
    title: 'Rogue agent (key hold times)',
    about: 'how long computer users held keys down, Jul 2014; the anomalies are a change of user',
  },
  {
    file: 'art_daily_jumpsup.csv',
    title: 'Artificial daily pattern, jumps up',
    about: 'NAB’s artificial daily cycle every 5 minutes for two weeks of Apr 2014, whose level jumps up once',
  },
];

export const DEFAULT_BUILT_IN = BUILT_INS[0];

/** Where a dataset on the page came from: enough to load it again (an upload cannot be). */
export type DatasetSource =
  | { kind: 'builtin'; file: string }
  | { kind: 'synthetic'; generator: GeneratorId; seed: number; rows: number }
  | { kind: 'upload'; name: string };

export function builtInByFile(file: string): BuiltIn | undefined {
  return BUILT_INS.find((b) => b.file === file);
}

/** The value of the picker's option for a source ("nab:nyc_taxi.csv", "synthetic:level-shift"). */
export function pickerValue(source: DatasetSource | null): string {
  if (!source) return '';
  if (source.kind === 'builtin') return `nab:${source.file}`;
  if (source.kind === 'synthetic') return `synthetic:${source.generator}`;
  return 'upload';
}

/** A short description of the dataset on the page. */
export function describeSource(source: DatasetSource): string {
  if (source.kind === 'builtin') {
    const b = builtInByFile(source.file);
    return b ? `${b.file}: ${b.about}.` : source.file;
  }
  if (source.kind === 'synthetic') {
    const g = GENERATORS.find((x) => x.id === source.generator)!;
    return `Generated in this page: ${g.about} (generator seed ${source.seed}, ${source.rows.toLocaleString('en-US')} rows). Its label column marks the injected anomalies.`;
  }
  return `Your file ${source.name}: read in this page, never uploaded anywhere.`;
}
