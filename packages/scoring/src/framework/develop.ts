import { defineDimension } from './define-dimension.js';

/** D3 Develop: how the designed experiences will be achieved. */
export const develop = defineDimension({
  id: 'D3',
  name: 'Develop',
  group: 'alignment',
  question: 'How will we achieve them?',
  points: 140,
  elements: [
    {
      id: 'D3.1',
      name: 'Operational Processes',
      objective:
        'Efficient, effective processes deliver the designed experience and are monitored with performance ' +
        'metrics.',
      points: 20,
      indicators: [
        'operational processes and procedures are built on insight and analysis',
        'current processes are aligned to deliver the designed experience',
        'processes follow the value proposition and are communicated along the value chain',
        'staff have the skills and motivation to follow the processes every day',
        'a framework measures how our processes perform',
        'each process stage has its own KPIs, and each process one KPI for the whole',
      ],
    },
    {
      id: 'D3.2',
      name: 'Technical & System Infrastructure',
      objective:
        'The technology and systems the designed experiences depend on are developed and integrated.',
      points: 20,
      indicators: [
        'we develop innovative delivery and management technology that supports several channels',
        'platforms, IT systems and resources support deploying and continuously measuring the experience',
        'people and budget are assigned to run the technical and system infrastructure',
      ],
    },
    {
      id: 'D3.3',
      name: 'Channel Infrastructure Development',
      objective: 'Channel infrastructure delivers a consistent, satisfying experience in every channel.',
      points: 20,
      indicators: [
        'hardware and software requirements are set for delivering the designed experience',
        'self-service channels are consistent and run on robust platforms for business-critical processes',
        'one integrated platform receives and handles transactions from every channel',
        'channel infrastructure is developed, monitored and managed to a plan shaped by customer and staff input',
        "the customer's profile and contact history follow them across channels so nobody repeats themselves",
      ],
    },
    {
      id: 'D3.4',
      name: 'Organisation Structure & Human Resource Planning',
      objective:
        'People have the skills, structure and motivation the experience proposition needs, through HR ' +
        'practices tied to the engagement strategy.',
      points: 20,
      indicators: [
        'leaders are engaged in and answerable for deploying the value proposition and designed experience',
        'clear structures for collaboration, communication and accountability deliver the designed experience',
        'HR policies are aligned to deliver the experience value proposition',
        'recruitment and selection are competency-based and tied to the experience value proposition',
        'systems are in place to carry out the staff engagement strategy',
        'employees help develop and align the HR system',
        'there is a structured way to collect feedback and ideas from every employee involved in the experience',
      ],
    },
    {
      id: 'D3.5',
      name: 'Partner & Supplier Alignment',
      objective:
        'Partners and suppliers share our value proposition and values and deliver the designed experience.',
      points: 20,
      indicators: [
        'partners in experience delivery are chosen and assigned through an assessment system',
        'partners take part in developing and deploying the experience',
        'customer-experience insight and results are shared with partners and suppliers',
        'performance indicators check that partners deliver the value proposition consistently',
        'formal agreements with partners and suppliers secure effective delivery of the experience',
      ],
    },
    {
      id: 'D3.6',
      name: 'Interaction Guides and Standards',
      objective:
        'People and channels follow clear, regularly reviewed interaction standards, so every channel feels ' +
        'the same.',
      points: 20,
      indicators: [
        'interaction guides rest on research and insight',
        'interaction guides give a positive, seamless experience at every touchpoint of the customer life cycle',
        'interaction guidelines are part of the experience strategy and value proposition',
        'interaction guides include personalisation drawn from research',
      ],
    },
    {
      id: 'D3.7',
      name: 'Marketing & Customer Communications Alignment',
      objective: 'Every customer communication matches the value proposition and strengthens the brand.',
      points: 20,
      indicators: [
        'customer insight guides how communication channels evolve as customers adopt them',
        'new technology is used to manage communication and invite customers to engage across channels',
        'marketing and communication messages deliver on the value proposition',
      ],
    },
  ],
});
