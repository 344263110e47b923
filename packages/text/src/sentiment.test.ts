import { describe, expect, it } from 'vitest';
import { sentimentLabel, sentimentScore } from './sentiment.js';

describe('sentimentScore', () => {
  it('scores plain praise positive and plain complaint negative', () => {
    expect(sentimentScore('The staff were lovely and helpful')).toBeGreaterThan(0.5);
    expect(sentimentScore('The staff were rude and useless')).toBeLessThan(-0.5);
    expect(sentimentScore('The parcel is in the hallway')).toBe(0);
  });

  it('flips a negated word and turns denied expectations negative', () => {
    expect(sentimentScore('The service was good')).toBeGreaterThan(0);
    expect(sentimentScore('The service was not good')).toBeLessThan(0);
    expect(sentimentScore("It wouldn't be such a bad idea")).toBeGreaterThan(0);
    expect(sentimentScore('The parcel arrived')).toBe(0);
    expect(sentimentScore('The parcel never arrived')).toBeLessThan(-0.3);
  });

  it('strengthens with intensifiers and weakens with dampeners', () => {
    const plain = sentimentScore('The food was good');
    expect(sentimentScore('The food was extremely good')).toBeGreaterThan(plain);
    expect(sentimentScore('The food was kind of good')).toBeLessThan(plain);
    expect(sentimentScore('The food was slightly good')).toBeLessThan(plain);
  });

  it('lets the clause after "but" outweigh the one before', () => {
    expect(sentimentScore('The room was nice but the staff were rude')).toBeLessThan(0);
    expect(sentimentScore('The room was dirty but the staff were lovely')).toBeGreaterThan(0);
    expect(sentimentScore('Although the staff were lovely, the room was filthy')).toBeLessThan(0);
  });

  it('reads capitals and exclamation marks as emphasis', () => {
    const plain = sentimentScore('The service was bad');
    expect(sentimentScore('The service was BAD')).toBeLessThan(plain);
    expect(sentimentScore('The service was bad!!!')).toBeLessThan(plain);
    // An all-caps message is loud, not emphatic: no extra weight.
    expect(sentimentScore('THE SERVICE WAS BAD')).toBeCloseTo(plain, 6);
  });

  it('scores emoji and emoticons', () => {
    expect(sentimentScore('Delivery today 😍')).toBeGreaterThan(0.3);
    expect(sentimentScore('Delivery today 😡')).toBeLessThan(-0.3);
    expect(sentimentScore('Delivery today :(')).toBeLessThan(0);
    expect(sentimentScore('Delivery today :)')).toBeGreaterThan(0);
  });

  it('understands customer-service vocabulary', () => {
    expect(sentimentScore('I was on hold for an hour')).toBeLessThan(-0.2);
    expect(sentimentScore('Still waiting for my refund')).toBeLessThan(-0.2);
    expect(sentimentScore('No one called back')).toBeLessThan(-0.3);
    expect(sentimentScore('The advisor went above and beyond')).toBeGreaterThan(0.4);
    expect(sentimentScore("Can't wait to come back")).toBeGreaterThan(0.2);
  });

  it('stays within −1…+1 and labels with the ±0.05 band', () => {
    const extreme = sentimentScore('HORRIBLE HORRIBLE awful disgusting terrible nightmare!!!!');
    expect(extreme).toBeGreaterThanOrEqual(-1);
    expect(extreme).toBeLessThan(-0.9);
    expect(sentimentLabel(0.05)).toBe('neutral');
    expect(sentimentLabel(0.051)).toBe('positive');
    expect(sentimentLabel(-0.051)).toBe('negative');
  });
});

describe('sentimentScore: informal writing and word forms', () => {
  it('reads inflected forms of listed words', () => {
    expect(sentimentScore('the nicest staff')).toBeCloseTo(sentimentScore('the nice staff'), 6);
    expect(sentimentScore('she was pleasantly firm')).toBeGreaterThan(0);
    expect(sentimentScore('constant hassles with the app')).toBeLessThan(0);
    expect(sentimentScore('the form was awkwardly laid out')).toBeLessThan(0);
    // An adjective-only entry has no plural: "means" is not "mean".
    expect(sentimentScore('by all means')).toBe(0);
    // Comparatives are not derived: "later" is not "late".
    expect(sentimentScore('I will call later')).toBe(0);
  });

  it('reads a quality named as a noun like the quality', () => {
    expect(sentimentScore('the rudeness of the driver')).toBeLessThan(-0.3);
    expect(sentimentScore('the laziness of the crew')).toBeLessThan(0);
    expect(sentimentScore('thanks to her helpfulness')).toBeGreaterThan(sentimentScore('thanks to her'));
    // ... and its "un" form as the quality denied.
    expect(sentimentScore('such unhelpfulness')).toBeLessThan(0);
    expect(sentimentScore('the fitness room')).toBe(0);
  });

  it('reads laughter, dropped g and elongation', () => {
    expect(sentimentScore('ahahahaha')).toBeGreaterThan(0.2);
    expect(sentimentScore('lolol')).toBeGreaterThan(0.2);
    expect(sentimentScore('lovin the new app')).toBeGreaterThan(0.3);
    expect(sentimentScore('sooo goood')).toBeGreaterThan(sentimentScore('so good'));
  });

  it('understands emoticons by their parts', () => {
    expect(sentimentScore('ok :-))')).toBeGreaterThan(sentimentScore('ok :)'));
    expect(sentimentScore('delivery =/')).toBeLessThan(0);
    expect(sentimentScore('delivery T_T')).toBeLessThan(0);
    expect(sentimentScore('delivery ^_^')).toBeGreaterThan(0);
    expect(sentimentScore('delivery xD')).toBeGreaterThan(0);
    expect(sentimentScore('delivery </3')).toBeLessThan(0);
    // Times and words are not faces.
    expect(sentimentScore('delivery at 10:30')).toBe(0);
  });

  it('keeps an HTML-encoded emoticon or apostrophe whole', () => {
    expect(sentimentScore('new card &lt;3')).toBeGreaterThan(0.3);
    expect(sentimentScore('it didn&#39;t work')).toBeLessThan(-0.2);
  });

  it('takes an expletive before an evaluative word as an intensifier', () => {
    expect(sentimentScore('the service was fucking great')).toBeGreaterThan(
      sentimentScore('the service was great'),
    );
    expect(sentimentScore('damn it')).toBeLessThan(0);
  });

  it('takes "pretty" before an evaluative word as a hedge, and as praise on its own', () => {
    expect(sentimentScore('the service was pretty good')).toBeGreaterThan(0);
    expect(sentimentScore('the service was pretty good')).toBeLessThan(
      sentimentScore('the service was good'),
    );
    expect(sentimentScore('the service was pretty bad')).toBeGreaterThan(
      sentimentScore('the service was bad'),
    );
    expect(sentimentScore('the service was pretty bad')).toBeLessThan(0);
    expect(sentimentScore('a pretty garden')).toBeGreaterThan(0);
  });

  it('reads a greeting as friendly, less than praise, and no match for a complaint', () => {
    expect(sentimentScore('Good morning!')).toBeGreaterThan(0.05);
    expect(sentimentScore('Good morning!')).toBeLessThan(sentimentScore('Good service!'));
    expect(sentimentScore('Good morning, my order never arrived and nobody answers.')).toBeLessThan(-0.3);
  });

  it('does not let a repeated "no" deny itself', () => {
    expect(sentimentScore('no no no')).toBeLessThan(0);
  });

  it('gives quantifiers no valence', () => {
    expect(sentimentScore('many more parcels')).toBe(0);
  });
});

describe('sentimentScore: questions, "least" and "not so much"', () => {
  it('weighs a plain question less than the statement, but not an indignant "??"', () => {
    expect(sentimentScore('Is the new app slow?')).toBeLessThan(0);
    expect(sentimentScore('Is the new app slow?')).toBeGreaterThan(sentimentScore('The new app is slow'));
    expect(sentimentScore('Why is it so bad??')).toBeLessThan(sentimentScore('It is so bad'));
  });

  it('gives no credit to praise that a question asks about', () => {
    expect(sentimentScore('The new app is good')).toBeGreaterThan(0);
    expect(sentimentScore('Is the new app good?')).toBe(0);
    expect(sentimentScore('Any good films on tonight?')).toBe(0);
    expect(sentimentScore("What's a good time to call?")).toBe(0);
    expect(sentimentScore('Can you help me with my account??')).toBe(0);
    expect(sentimentScore('Could you please fix it?')).toBe(0);
  });

  it('keeps what a question asserts: the clause before it, a tag, faults, laughter and faces', () => {
    expect(sentimentScore('Thanks for the quick reply, can you also send the invoice?')).toBeGreaterThan(0.2);
    expect(sentimentScore("The room was lovely, wasn't it?")).toBeGreaterThan(0.2);
    expect(sentimentScore("It's the best, right?")).toBeGreaterThan(0.2);
    expect(sentimentScore('Is anyone going to fix this broken app?')).toBeLessThan(-0.2);
    expect(sentimentScore('Did you see that? haha')).toBeGreaterThan(0);
    expect(sentimentScore('Coming to the party? :)')).toBeGreaterThan(0);
  });

  it('reads "least" as a denial except in "at least"', () => {
    expect(sentimentScore('the least helpful advisor')).toBeLessThan(0);
    expect(sentimentScore('at least the advisor was helpful')).toBeGreaterThan(0);
  });

  it('reads "not so much" as the negative half of a contrast', () => {
    expect(sentimentScore('the room, not so much')).toBeLessThan(0);
  });
});

describe('sentimentScore: contrast across sentences', () => {
  it('lets a sentence opening with "But" outweigh the ones before it', () => {
    expect(sentimentScore('The food was great. But the service was bad.')).toBeLessThan(0);
    expect(sentimentScore('The food was great. But the service was bad.')).toBeLessThan(
      sentimentScore('The food was great. The service was bad.'),
    );
  });
});

describe('sentimentScore: idioms', () => {
  it('reads idioms by what they mean, not by their words', () => {
    expect(sentimentScore('The app could be better')).toBeLessThan(0);
    expect(sentimentScore('The checkout leaves a lot to be desired')).toBeLessThan(0);
    expect(sentimentScore("I can't stand the hold music")).toBeLessThan(-0.3);
    expect(sentimentScore('Over the moon with my new kitchen')).toBeGreaterThan(0.4);
    expect(sentimentScore('The food was not bad')).toBeGreaterThan(0);
  });
});

describe('sentimentScore: scope of denial and tone', () => {
  it('does not deny interjections, laughter or expletives', () => {
    expect(sentimentScore('I have no idea lol')).toBeGreaterThan(0);
    expect(sentimentScore('it came without a fucking manual')).toBeLessThan(0);
  });

  it('lets the nearer evaluative word take a denial for itself', () => {
    expect(sentimentScore('the advisor never fails to impress')).toBeGreaterThan(0);
    // "not" denies "happy" only: "angry" stays angry.
    expect(sentimentScore('not happy and angry')).toBeLessThan(sentimentScore('not happy'));
    // A weak word such as "like" does not stop the denial: "don't like good" is still denied.
    expect(sentimentScore("I don't really like it")).toBeLessThan(0);
  });

  it('weighs a closing face or laugh as the writer comment on the sentence', () => {
    const plain = sentimentScore('made a mess of the kitchen');
    expect(plain).toBeLessThan(0);
    expect(sentimentScore('made a mess of the kitchen :)')).toBeGreaterThan(0);
    expect(sentimentScore(':) made a mess of the kitchen')).toBeLessThanOrEqual(0);
  });

  it('reads hyphenated compounds by their head, "-free" as absence', () => {
    expect(sentimentScore('a user-friendly app')).toBeGreaterThan(0.2);
    expect(sentimentScore('hassle-free returns')).toBeGreaterThan(0.2);
    expect(sentimentScore('sugar-free drinks')).toBe(0);
    expect(sentimentScore('a non-violent protest')).toBeGreaterThan(sentimentScore('a violent protest'));
  });
});

describe('sentimentScore: litotes, "why" questions and "well"', () => {
  it('reads a denied fault as faint praise, weaker than the plain praise', () => {
    expect(sentimentScore('the food was not bad')).toBeGreaterThan(0);
    expect(sentimentScore('the food was not bad')).toBeLessThan(sentimentScore('the food was good'));
    expect(-sentimentScore('the food was not good')).toBeGreaterThan(sentimentScore('the food was not bad'));
  });

  it('reads a "why" question as a complaint, but not "why not"', () => {
    expect(sentimentScore('Why was I charged twice?')).toBeLessThan(0);
    expect(sentimentScore('Why not try the soup?')).toBe(0);
    // A suggestion, not a complaint; the garden's praise is proposed rather than given (asked praise counts nothing).
    expect(sentimentScore('Why not try the lovely garden?')).toBe(0);
    expect(sentimentScore('Tell me why.')).toBe(0);
  });

  it('reads "well" as praise only as an adverb of manner', () => {
    expect(sentimentScore('the parcel was packed well')).toBeGreaterThan(0);
    expect(sentimentScore('Well packed and on time')).toBeGreaterThan(0);
    expect(sentimentScore('Well, I asked for a refund')).toBe(0);
    expect(sentimentScore('I asked for a refund as well')).toBe(0);
  });

  it('reads an open "hassle free" like "hassle-free", denial included', () => {
    expect(sentimentScore('returns were hassle free')).toBeCloseTo(
      sentimentScore('returns were hassle-free'),
      6,
    );
    expect(sentimentScore('returns were not hassle free')).toBeLessThan(0);
  });
});

describe('sentimentScore: names, titles and interjections', () => {
  it('weighs words inside a capitalised name or title half', () => {
    const inName = sentimentScore('We stayed at the Best Western near the station');
    expect(inName).toBeGreaterThan(0);
    expect(inName).toBeLessThan(sentimentScore('We stayed at the best hotel near the station'));
    // Headline-style text capitalises everything: no names to find there.
    expect(sentimentScore('Best Hotel In Town')).toBeCloseTo(sentimentScore('best hotel in town'), 6);
  });

  it('reads common interjections', () => {
    expect(sentimentScore('yep, sorted')).toBeGreaterThan(sentimentScore('sorted'));
    expect(sentimentScore('geez, another delay')).toBeLessThan(sentimentScore('another delay'));
  });
});

describe('sentimentScore: denying prefix and sarcastic thanks', () => {
  it('reads "un" before a listed good quality as its denial', () => {
    expect(sentimentScore('the staff were unimpressive')).toBeLessThan(0);
    expect(sentimentScore('my complaint is still unresolved')).toBeLessThan(0);
    // Too short to be "un" + a word.
    expect(sentimentScore('under the stairs')).toBe(0);
  });

  it('reads "thanks for nothing" as a complaint', () => {
    expect(sentimentScore('thanks for nothing')).toBeLessThan(-0.3);
  });
});

describe('sentimentScore: unmet "should have" and "could have"', () => {
  it('reads what should or could have happened as a complaint', () => {
    expect(sentimentScore('The staff could have been more helpful')).toBeLessThan(0);
    expect(sentimentScore('The parcel should have arrived on Monday')).toBeLessThan(0);
    expect(sentimentScore('It could have been worse')).toBeGreaterThan(0);
    expect(sentimentScore('I should have known')).toBe(0);
  });

  it('leaves the hypothetical "would have" alone', () => {
    expect(sentimentScore('That would have been the perfect name')).toBeGreaterThan(0);
  });
});

describe('sentimentScore: other forms of strongly evaluative participles', () => {
  it('reads a verb form the lists lack from its listed participle', () => {
    // The lists have "losing" and "thrilled", not "lose" or "thrills".
    expect(sentimentScore('you will lose customers')).toBeLessThan(0);
    expect(sentimentScore('the new menu thrills')).toBeGreaterThan(0);
  });
});

describe('sentimentScore: held letters on intensifiers', () => {
  it('reads an elongated intensifier as the intensifier', () => {
    expect(sentimentScore('it was soooooo slow')).toBeCloseTo(sentimentScore('it was so slow'), 6);
    expect(sentimentScore('reaaally good')).toBeGreaterThan(sentimentScore('good'));
  });
});

describe('sentimentScore: "never so" and "not … this" compare instead of denying', () => {
  it('reads "never been so" and "never had such" as the quality, strengthened', () => {
    expect(sentimentScore('I have never been so disappointed')).toBeLessThan(
      sentimentScore('I was disappointed'),
    );
    expect(sentimentScore('Never had such bad service')).toBeLessThan(-0.5);
    expect(sentimentScore("I haven't been this happy with a purchase in years")).toBeGreaterThan(0.5);
    expect(sentimentScore('Never been treated so well')).toBeGreaterThan(0.3);
  });

  it('reads a denied limit as the extreme: "couldn\'t be happier", "can\'t thank you enough"', () => {
    expect(sentimentScore("Couldn't be happier")).toBeGreaterThan(0.5);
    expect(sentimentScore("It couldn't have gone worse")).toBeLessThan(-0.5);
    expect(sentimentScore("Can't recommend them enough")).toBeGreaterThan(0.4);
    expect(sentimentScore("Can't fault the staff")).toBeGreaterThan(0.4);
    expect(sentimentScore('Nothing was too much trouble')).toBeGreaterThan(0.4);
    // still denials: no limit, or not a verb of praise
    expect(sentimentScore("I can't recommend them")).toBeLessThan(-0.3);
    expect(sentimentScore("The app can't load fast enough")).toBeLessThan(0);
  });

  it('still denies "not so" and "not such"', () => {
    expect(sentimentScore('The food was not so good')).toBeLessThan(0);
    expect(sentimentScore('Not such a good idea')).toBeLessThan(0);
  });
});

describe('sentimentScore: everyday vocabulary and word forms', () => {
  it('knows everyday evaluative words the general lists lack', () => {
    expect(sentimentScore('A valuable and informative session')).toBeGreaterThan(0.3);
    expect(sentimentScore('The room was cosy and the bed comfy')).toBeGreaterThan(0.3);
    expect(sentimentScore('The handle was flimsy and the box was soggy')).toBeLessThan(-0.3);
    expect(sentimentScore('I reported a fault twice')).toBeLessThan(0);
    expect(sentimentScore('Absolutely gutted, the whole thing was shambolic')).toBeLessThan(-0.5);
    expect(sentimentScore('Chuffed to bits with it')).toBeGreaterThan(0.3);
    expect(sentimentScore('The room was immaculate and the staff punctual')).toBeGreaterThan(0.3);
    expect(sentimentScore('A surly waiter and lukewarm food at extortionate prices')).toBeLessThan(-0.5);
  });

  it("reads common review phrases, and a letter's closing as nothing", () => {
    expect(sentimentScore('Looking forward to the trip')).toBeGreaterThan(0.2);
    expect(sentimentScore('I look forward to hearing from you')).toBe(0);
    expect(sentimentScore('Item as described')).toBeGreaterThan(0.2);
    expect(sentimentScore("The jacket wasn't as described")).toBeLessThan(-0.2);
    expect(sentimentScore("It doesn't do what it says")).toBeLessThan(-0.2);
    expect(sentimentScore('One star')).toBeLessThan(-0.2);
    expect(sentimentScore('Exceeded my expectations')).toBeGreaterThan(0.4);
    expect(sentimentScore('It did not meet my expectations')).toBeLessThan(-0.3);
    expect(sentimentScore('Nobody got back to me')).toBeLessThan(-0.3);
    expect(sentimentScore('Cheaply made')).toBeLessThan(-0.2);
    expect(sentimentScore('Five stars')).toBeGreaterThan(0.2);
  });

  it('reads "simple" as praise, as feedback uses it', () => {
    expect(sentimentScore('Simple to set up')).toBeGreaterThan(0.2);
    expect(sentimentScore('Nice and simple')).toBeGreaterThan(sentimentScore('Nice'));
  });

  it('gives no valence to words that describe rather than judge', () => {
    expect(sentimentScore('A new phone with a full battery and a high screen')).toBe(0);
    expect(sentimentScore('Half an hour for the chicken')).toBe(0);
    expect(sentimentScore('United lost my bag')).toBeCloseTo(sentimentScore('They lost my bag'), 6);
    expect(sentimentScore('A huge delay')).toBeCloseTo(sentimentScore('A delay'), 6);
  });

  it('recognises a strong word with a doubled letter missed or added', () => {
    expect(sentimentScore('Very dissapointed with the service')).toBeLessThan(-0.3);
    expect(sentimentScore('The staff were wonderfull')).toBeGreaterThan(0.3);
    expect(sentimentScore('A marvellous stay')).toBeGreaterThan(0.3);
    expect(sentimentScore('Question about my billing')).toBe(0);
  });

  it('reads "-es" after a silent e as the plain verb plus s', () => {
    expect(sentimentScore('It loses signal every evening')).toBeLessThan(0);
  });
});

describe('sentimentScore: coming back', () => {
  it('reads a promise to come back as praise and its denial as a churn signal', () => {
    expect(sentimentScore('We will definitely be back')).toBeGreaterThan(0.2);
    expect(sentimentScore('Would order again')).toBeGreaterThan(0.2);
    expect(sentimentScore("We won't be back")).toBeLessThan(-0.3);
    expect(sentimentScore('I will never use this company again')).toBeLessThan(-0.3);
    expect(sentimentScore('Not again!')).toBeLessThan(-0.3);
  });

  it('leaves "again" after other verbs alone', () => {
    expect(sentimentScore('I had to call again')).toBe(0);
  });
});
