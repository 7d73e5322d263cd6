"""The demo modules' question banks: real questions with feedback on every choice.

Each module has six questions: mostly single choice, one multiple choice (two or
more right answers) and one true/false. The module's pre-test and post-test are
built from the same bank, as real pre/post tests are.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BankChoice:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class BankQuestion:
    kind: str  # single | multiple | true_false
    prompt: str
    explanation: str
    choices: tuple[BankChoice, ...]


def ok(text: str, feedback: str) -> BankChoice:
    return BankChoice(text, True, feedback)


def no(text: str, feedback: str) -> BankChoice:
    return BankChoice(text, False, feedback)


def single(prompt: str, explanation: str, *choices: BankChoice) -> BankQuestion:
    return BankQuestion("single", prompt, explanation, choices)


def multiple(prompt: str, explanation: str, *choices: BankChoice) -> BankQuestion:
    return BankQuestion("multiple", prompt, explanation, choices)


def true_false(
    prompt: str, answer: bool, explanation: str, if_true: str, if_false: str
) -> BankQuestion:
    """A true/false question; ``if_true`` is the feedback on the "True" choice."""
    return BankQuestion(
        "true_false",
        prompt,
        explanation,
        (BankChoice("True", answer, if_true), BankChoice("False", not answer, if_false)),
    )


QUESTIONS: dict[str, tuple[BankQuestion, ...]] = {
    "content-strategy": (
        single(
            "What should every piece of content be mapped to before anyone writes it?",
            "Mapping each piece to a stage and a goal is what lets you measure it and spot "
            "gaps in the plan.",
            ok(
                "A buyer-journey stage and a measurable goal",
                "Right: the stage decides format and call to action, the goal decides how "
                "you judge it.",
            ),
            no(
                "The topic the team finds most interesting",
                "Interest helps writing, but without a stage and goal the piece cannot be "
                "measured or prioritised.",
            ),
            no(
                "The longest word count the budget allows",
                "Length is not a goal; a short checklist can outperform a long guide if it "
                "matches the stage.",
            ),
        ),
        single(
            'A reader asks "What are my options?". Which stage are they in?',
            "Awareness asks why a problem happens, consideration compares options, "
            "decision asks why this vendor now.",
            no(
                "Awareness",
                "Awareness readers are still naming their problem; they are not comparing "
                "options yet.",
            ),
            ok(
                "Consideration",
                "Right: comparing options is consideration; comparisons and case studies fit it.",
            ),
            no(
                "Decision",
                "Decision readers already know the options and ask why you and why now.",
            ),
        ),
        multiple(
            "Which lines belong in a content brief? Select all that apply.",
            "The five-line brief covers reader and stage, the query it answers, one key "
            "message, the call to action and distribution.",
            ok("The reader and their journey stage", "Right: it sets format and tone."),
            ok(
                "The search query or social question the piece answers",
                "Right: it ties the piece to real demand.",
            ),
            ok(
                "Where the piece will be reused (social posts, newsletter)",
                "Right: distribution planned up front multiplies the reach of each piece.",
            ),
            no(
                "The writer's word-count target as the main success measure",
                "Word count is a production detail, not what the brief must decide.",
            ),
        ),
        true_false(
            "A cluster article should link back to its pillar page.",
            True,
            "Pillar and cluster pages link to each other so readers and search engines see "
            "the topic as a whole.",
            "Right: the links show search engines the depth of your expertise on the pillar topic.",
            "Wrong: without links back, the cluster is just a set of isolated articles.",
        ),
        single(
            "What is the most useful first step when writing personas?",
            "Interviews with recent customers give real jobs, words and objections; invented "
            "details do not change what you write.",
            ok(
                "Interview a few recent customers about what they were trying to fix",
                "Right: their answers give topics, search phrases and objections.",
            ),
            no(
                "Choose a stock photo and a name",
                "A photo and a name change nothing in what you write.",
            ),
            no(
                "List the persona's hobbies",
                "Hobbies rarely affect what a buyer needs to read.",
            ),
        ),
        single(
            "Your last twenty pieces are all awareness articles. What do you do next?",
            "Auditing by stage shows gaps; most teams over-produce awareness content and "
            "lack consideration and decision pieces.",
            no(
                "Write more awareness articles, since that is what works",
                "You cannot know it works best if other stages were never tried; the gap remains.",
            ),
            ok(
                "Brief consideration pieces for the same pillar",
                "Right: filling the gap gives readers a path from interest to decision.",
            ),
            no(
                "Stop publishing until traffic grows",
                "Traffic does not grow from a pause; fill the gap instead.",
            ),
        ),
    ),
    "storytelling-micro": (
        single(
            "Which structure keeps a short story memorable?",
            "Situation, tension, resolution gives a character, a reason to keep reading "
            "and a payoff.",
            ok(
                "Situation, tension, resolution",
                "Right: the tension is what keeps people reading to the end.",
            ),
            no("A list of product features", "Lists inform but give nobody to identify with."),
            no(
                "Statistics only",
                "Numbers help inside a story but do not make one on their own.",
            ),
        ),
        single(
            "Where should the product usually appear in a customer story?",
            "The customer is the hero; the product is the way out of the tension.",
            no(
                "In the first sentence",
                "Opening with the product turns the story into an advert and loses readers.",
            ),
            ok(
                "In the resolution, as the way out of the problem",
                "Right: the reader cares about the problem first, then about the solution.",
            ),
            no(
                "Nowhere: stories should never mention the product",
                "A brand story can show the product, as long as it serves the story.",
            ),
        ),
        multiple(
            "Which details make a story concrete? Select all that apply.",
            "A name, a number and a moment make a story believable and memorable.",
            ok("A named person", "Right: readers identify with a person, not a segment."),
            ok(
                'A specific number, such as "two days instead of five"',
                "Right: numbers make the change tangible.",
            ),
            no(
                'Adjectives like "innovative" and "best-in-class"',
                "Abstract praise makes a story less credible, not more concrete.",
            ),
            ok(
                "A real moment, such as what was said in a meeting",
                "Right: a real moment lets the reader picture the scene.",
            ),
        ),
        true_false(
            'For a social post, opening with "We are proud to announce" is a strong hook.',
            False,
            "Open with the tension or a striking number; announcements are about you, not "
            "the reader.",
            "Wrong: it tells the reader nothing about their problem, so they scroll on.",
            "Right: lead with the tension or a number that makes the reader stop.",
        ),
        single(
            "What is the best way to end a story post on social?",
            "A question invites readers to share their own version, which drives comments.",
            ok(
                "A question inviting readers to share their own experience",
                "Right: it turns readers into participants and raises comments.",
            ),
            no(
                "A list of every product feature",
                "It buries the story's payoff under an advert.",
            ),
            no(
                "No ending; stop mid-story",
                "Without a resolution the reader gets no payoff and no reason to respond.",
            ),
        ),
        single(
            "How do you check a draft story before publishing?",
            "Reading aloud exposes sentences that do not move the story forward.",
            ok(
                "Read it aloud and cut every sentence that does not move it forward",
                "Right: short, tight stories hold attention in the feed.",
            ),
            no(
                "Add more background to make it complete",
                "Extra background slows the story; cut rather than add.",
            ),
            no(
                'Replace names with "a customer" to keep it general',
                "General stories are forgettable; specific people make them stick.",
            ),
        ),
    ),
    "seo-fundamentals": (
        single(
            "What does a search engine try to rank first for a query?",
            "Ranking comes back to two questions: does the page answer the searcher's "
            "intent, and can the site be trusted on the topic.",
            ok(
                "The page that best answers the searcher's intent",
                "Right: relevance to intent, plus trust, drives ranking.",
            ),
            no(
                "The page that repeats the keyword most often",
                "Keyword stuffing answers neither question and can be penalised.",
            ),
            no(
                "The most recently published page",
                "Freshness matters for some queries only; it does not beat relevance.",
            ),
        ),
        single(
            "The first results page for a query shows only how-to guides. What should you "
            "publish to rank for it?",
            "The results page shows the intent the engine sees; match its format.",
            ok(
                "A guide that answers the question",
                "Right: the format matches the informational intent shown on the results page.",
            ),
            no(
                "A product page optimised for the query",
                "A product page does not match informational intent, however well optimised.",
            ),
            no(
                "A press release",
                "Press releases match news intent, not how-to questions.",
            ),
        ),
        multiple(
            "Which practices make a good title tag? Select all that apply.",
            "Good titles put the main query early, stay under about 60 characters, are "
            "unique and promise only what the page delivers.",
            ok(
                "The main query near the start",
                "Right: searchers scan the start of the blue link.",
            ),
            ok(
                "Under about 60 characters",
                "Right: longer titles are cut off in the results.",
            ),
            no(
                "The same title on every page for consistency",
                "Duplicate titles make pages compete with each other; each must be unique.",
            ),
            ok(
                "Unique across the site",
                "Right: each page answers a different query and says so.",
            ),
        ),
        true_false(
            "A well-written meta description directly raises a page's ranking.",
            False,
            "The meta description does not change rankings directly; it raises the "
            "click-through rate, which brings more visits from the same ranking.",
            "Wrong: it is not a ranking factor, but it does earn more clicks.",
            "Right: its value is in the clicks it earns, not in the ranking.",
        ),
        single(
            "Where should the answer to the searcher's question appear on the page?",
            "Answer first, then detail: visitors who find the answer quickly stay and read on.",
            ok(
                "In the first paragraph",
                "Right: searchers see at once that they are in the right place.",
            ),
            no(
                "After a long introduction about the company",
                "Most visitors leave before reaching it.",
            ),
            no(
                "Only in a downloadable PDF",
                "Visitors and search engines both need the answer on the page itself.",
            ),
        ),
        single(
            "A page has many impressions but a 1 % click-through rate. What do you fix first?",
            "Many impressions mean it already ranks; a low click-through rate points to the "
            "title and description.",
            ok(
                "Its title tag and meta description",
                "Right: they decide whether a searcher clicks on a result that is already shown.",
            ),
            no(
                "Its server hosting",
                "Hosting affects speed, not whether people click in the results.",
            ),
            no(
                "Nothing: impressions are what count",
                "Impressions without clicks bring no traffic.",
            ),
        ),
    ),
    "seo-technical-audit": (
        single(
            "Which of these keeps a page out of the search index?",
            "A noindex directive, in the meta robots tag or the X-Robots-Tag header, asks "
            "engines not to index the page.",
            ok("A noindex directive", "Right: it tells search engines not to store the page."),
            no(
                "A long meta description",
                "Length may truncate the snippet but never blocks indexing.",
            ),
            no("An image without a caption", "It is a missed opportunity, not a block."),
        ),
        multiple(
            "Which findings belong in the crawlability part of an audit? Select all that apply.",
            "Crawlability is about whether robots can reach pages: robots.txt, status codes, "
            "redirect chains and orphan pages.",
            ok(
                "A robots.txt rule blocking a section that should rank",
                "Right: robots cannot crawl what robots.txt blocks.",
            ),
            ok(
                "Redirect chains of several hops",
                "Right: they waste crawl budget and dilute links.",
            ),
            ok(
                "Orphan pages linked from nowhere",
                "Right: robots rarely reach pages that no link points to.",
            ),
            no(
                "A headline that could be catchier",
                "That is a content question, not crawlability.",
            ),
        ),
        single(
            "What is a good Largest Contentful Paint (LCP)?",
            "Core Web Vitals thresholds: LCP ≤ 2.5 s, INP ≤ 200 ms, CLS ≤ 0.1.",
            ok("2.5 seconds or less", "Right: that is Google's 'good' threshold for LCP."),
            no("Under 10 seconds", "Far too slow; many visitors leave before then."),
            no(
                "Under 200 milliseconds",
                "That is the threshold for INP (responsiveness), not LCP.",
            ),
        ),
        true_false(
            "You should measure Core Web Vitals on field data from real users, not only on "
            "one lab test.",
            True,
            "Field data reflects real devices and networks; one lab run can be far from what "
            "users experience.",
            "Right: search engines use field data, and so should your priorities.",
            "Wrong: a single lab test can miss what slow phones and networks experience.",
        ),
        single(
            "Which issue should you fix first?",
            "Template-level issues come first: one fix repairs thousands of pages.",
            ok(
                "A noindex tag on the product page template",
                "Right: one template fix restores thousands of pages to the index.",
            ),
            no(
                "A missing alt text on one old blog image",
                "Worth fixing some day, but its impact is tiny.",
            ),
            no(
                "A warning about meta keywords",
                "Search engines ignore meta keywords; this can wait forever.",
            ),
        ),
        single(
            "What makes an audit ticket actionable for a developer?",
            "A good ticket names the affected URLs or template, shows the evidence and says "
            "how to check the fix.",
            ok(
                "Affected URLs or template, evidence and an acceptance check",
                "Right: the developer can act and verify without asking you.",
            ),
            no(
                '"SEO is broken, please fix"',
                "Nobody can act on it: what, where and how to check are missing.",
            ),
            no(
                "A 300-row export with no priority",
                "Without priority, nothing gets fixed first.",
            ),
        ),
    ),
    "keyword-research-micro": (
        single(
            "Which keyword is best for a new, small site?",
            "Specific long-tail queries have less competition and clearer intent.",
            ok(
                "A specific long-tail query with clear intent",
                "Right: easier to rank for and closer to a decision.",
            ),
            no(
                '"marketing"',
                "A head term dominated by huge sites, with unclear intent.",
            ),
            no(
                "A competitor's brand name",
                "Searchers want that competitor; you will rarely rank or convert.",
            ),
        ),
        multiple(
            "Which are good sources of seed keywords? Select all that apply.",
            "Real customer words come from sales calls, support, Search Console, "
            "autocomplete and communities.",
            ok("Support tickets and sales calls", "Right: customers' exact words."),
            ok(
                "Search Console queries ranking on page two",
                "Right: demand you already nearly win.",
            ),
            ok(
                'Autocomplete and "People also ask"',
                "Right: phrasings people actually search.",
            ),
            no(
                "Internal product code names",
                "Customers do not know or search for internal names.",
            ),
        ),
        true_false(
            "A keyword with only 50 searches a month can be worth targeting.",
            True,
            "Volume is one of four criteria; a small, high-intent query with business value "
            "can bring qualified visitors.",
            "Right: intent and business value can outweigh volume.",
            "Wrong: small specific queries often convert better than big vague ones.",
        ),
        single(
            "How do you judge a keyword's intent?",
            "The results page shows what the search engine thinks searchers want.",
            ok(
                "Look at what currently ranks on the results page",
                "Right: guides, products or comparisons reveal the intent.",
            ),
            no(
                "Count its letters",
                "Length hints at specificity, not at intent.",
            ),
            no(
                "Guess from the volume",
                "Volume says how many, not what they want.",
            ),
        ),
        single(
            "You find five close variants of the same query. What do you do?",
            "Close variants share intent; one page targeting the group avoids pages "
            "competing against each other.",
            ok(
                "Target them together on one page",
                "Right: one strong page beats five thin ones competing with each other.",
            ),
            no(
                "Write one page per variant",
                "The pages would compete for the same searches and dilute links.",
            ),
            no(
                "Drop them all",
                "They are one opportunity, not five problems.",
            ),
        ),
        single(
            "Which criterion keeps you from chasing traffic that never buys?",
            "Business value asks whether someone searching this would ever need what you sell.",
            ok(
                "Business value",
                "Right: traffic that cannot become customers does not move your KPIs.",
            ),
            no("Volume", "High volume can be entirely unrelated to your offer."),
            no("Keyword length", "Length alone says nothing about fit with your offer."),
        ),
    ),
    "paid-search-bidding": (
        single(
            "When does target-CPA bidding work reliably?",
            "Smart bidding learns from conversions; roughly 30 in 30 days per campaign or "
            "portfolio is a common threshold.",
            ok(
                "With enough reliable conversion data, around 30 conversions in 30 days",
                "Right: the algorithm needs data to predict which clicks convert.",
            ),
            no(
                "On a brand-new account",
                "A new account has no conversion history to learn from.",
            ),
            no(
                "Without conversion tracking",
                "Target CPA cannot work without conversions to count.",
            ),
        ),
        single(
            "What should be the campaign's primary conversion?",
            "Bidding optimises for the primary conversion, so it must be the action that "
            "creates business.",
            ok(
                "A form submission that creates a lead",
                "Right: bids then chase leads, not page views.",
            ),
            no(
                "A visit to the contact page",
                "The system would buy visits that do not become leads.",
            ),
            no(
                "A newsletter sign-up",
                "Keep it as a secondary conversion so it does not drive bids.",
            ),
        ),
        single(
            "A lead converts to a customer 5 % of the time and a customer brings €2,000 "
            "gross margin. What is a lead worth?",
            "Value of a lead = conversion rate × margin = 0.05 × 2,000 = €100.",
            ok("€100", "Right: 5 % of €2,000."),
            no("€2,000", "That is the value of a customer, not of a lead."),
            no("€10", "Check the arithmetic: 5 % of €2,000 is €100."),
        ),
        multiple(
            "Which habits protect the learning period after a bidding change? Select all "
            "that apply.",
            "Change one thing at a time, in steps under about 20 %, and judge on full weeks "
            "after the conversion delay.",
            ok("Change one thing at a time", "Right: otherwise you cannot tell what worked."),
            ok(
                "Keep budget or target changes under about 20 % per step",
                "Right: larger jumps restart learning.",
            ),
            no(
                "Adjust the target every day based on yesterday's CPA",
                "Daily changes keep the algorithm permanently relearning.",
            ),
            ok(
                "Judge results on full weeks after the conversion delay",
                "Right: partial weeks and late conversions mislead.",
            ),
        ),
        true_false(
            "Setting the target CPA far below the current actual CPA is the fastest way to "
            "cut cost per lead.",
            False,
            "A target far below reality makes the system skip most auctions and volume "
            "collapses; lower it in steps of 10 to 15 %.",
            "Wrong: the campaign stops winning auctions and leads dry up.",
            "Right: start near the actual CPA and step it down.",
        ),
        single(
            "Why import offline conversions from the CRM?",
            "Offline conversions tell the bidding system which clicks produced qualified "
            "leads and deals.",
            ok(
                "So bidding learns which clicks become qualified leads and deals",
                "Right: it optimises for business, not just form fills.",
            ),
            no("To make reports longer", "More rows is not the point; better bids are."),
            no(
                "Because it replaces conversion tracking",
                "It complements on-site tracking; it does not replace it.",
            ),
        ),
    ),
    "landing-page-cro": (
        single(
            "What is the first thing to check on a campaign landing page?",
            "Message match: the headline must repeat the promise the visitor clicked.",
            ok(
                "That the headline repeats the ad's promise",
                "Right: visitors who do not recognise the offer leave within seconds.",
            ),
            no("The footer colour", "Rarely seen and rarely decisive."),
            no("The favicon", "It has no measurable effect on conversions."),
        ),
        multiple(
            'Which changes support "one page, one goal"? Select all that apply.',
            "Remove exits, keep one call to action and put proof next to the form.",
            ok(
                "Remove the main navigation",
                "Right: every link that does not lead to the goal is an exit.",
            ),
            ok(
                "Repeat the same call to action after each section",
                "Right: one action, offered wherever the visitor is ready.",
            ),
            no(
                "Add links to five other offers",
                "More offers split attention and lower conversions.",
            ),
            ok(
                "Place a short testimonial next to the form",
                "Right: proof at the moment of decision reduces doubt.",
            ),
        ),
        single(
            "Which field is worth adding to a short lead form?",
            "Ask only what sales needs to act, including one qualifying question.",
            ok(
                "One qualifying question, such as team size or timeframe",
                "Right: it routes the lead and helps sales without scaring visitors.",
            ),
            no(
                "Fax number",
                "Nobody needs it, and every extra field lowers completion.",
            ),
            no(
                'A free-text "tell us your life story" box',
                "Long free text deters visitors and is hard to use for routing.",
            ),
        ),
        true_false(
            "You can stop an A/B test as soon as one variant looks better after the first "
            "good day.",
            False,
            "Compute the sample size first and run full weeks; early peeking produces false "
            "winners.",
            "Wrong: early results swing wildly and often reverse.",
            "Right: wait for the planned sample size and full weeks.",
        ),
        single(
            "What should a landing page A/B test be judged on?",
            "Form fills can rise while quality drops; judge on qualified leads.",
            ok(
                "Qualified leads",
                "Right: it captures both quantity and quality.",
            ),
            no("Time on page", "Longer can mean confused, not convinced."),
            no("Number of form fills only", "Fills can rise while qualification drops."),
        ),
        single(
            "Which call-to-action label is best?",
            "A label that names the result tells visitors what they get.",
            ok('"Get my audit"', "Right: it names the result the visitor wants."),
            no('"Submit"', "It describes a chore, not a benefit."),
            no('"Click here"', "It says nothing about what happens next."),
        ),
    ),
    "social-ads-micro": (
        single(
            "Which lookalike audience usually brings the cheapest qualified leads?",
            "Lookalikes copy the source audience; build them from the people you want more of.",
            ok(
                "A 1 % lookalike of qualified leads or customers",
                "Right: the platform finds people similar to those who buy.",
            ),
            no(
                "A lookalike of all website visitors",
                "Visitors include students, job seekers and competitors.",
            ),
            no(
                "No targeting at all",
                "The broadest audience usually means the highest cost per qualified lead.",
            ),
        ),
        multiple(
            "Which make an ad creative fit the feed? Select all that apply.",
            "Hook in the first seconds, native format, one message per ad.",
            ok(
                "A hook in the first three seconds",
                "Right: people decide to stop scrolling almost instantly.",
            ),
            ok("The platform's native format", "Right: it looks like content, not an ad."),
            no(
                "Five messages in one ad to cover everything",
                "Several messages dilute each other; one per ad.",
            ),
            ok(
                "One clear call to action",
                "Right: one action is easier to take.",
            ),
        ),
        single(
            "Frequency is above 3 a week and cost per lead is rising. What is happening?",
            "High frequency with rising costs is the classic sign of creative fatigue.",
            ok(
                "Creative fatigue: refresh the creative",
                "Right: the same people see the same ad too often.",
            ),
            no(
                "The campaign is healthy",
                "Rising costs with high frequency are a warning sign.",
            ),
            no("The budget is too low", "More budget would show the tired ad even more."),
        ),
        true_false(
            "Existing customers should be excluded from prospecting campaigns.",
            True,
            "Paying to acquire people who already buy wastes budget and inflates cost per "
            "new lead.",
            "Right: exclude customers and recent converters.",
            "Wrong: you would pay again for leads you already have.",
        ),
        single(
            "An ad variant spent twice the target cost per lead without a single lead. "
            "What do you do?",
            "Pause variants that spend twice the target CPL without a lead; move budget to "
            "winners gradually.",
            ok("Pause it", "Right: it has had a fair chance and failed."),
            no("Double its budget", "More spend on a loser loses more."),
            no(
                "Wait three months",
                "It keeps spending while you wait; decide weekly.",
            ),
        ),
        single(
            "Which number matters most when judging a social lead campaign?",
            "Cheap clicks mean nothing if they do not turn into qualified leads.",
            ok(
                "Cost per lead, with the share of leads sales qualifies",
                "Right: it measures what the business pays for useful leads.",
            ),
            no("Cost per click", "A cheap click that never converts is not cheap."),
            no("Likes", "Likes do not pay for the campaign."),
        ),
    ),
    "community-management": (
        single(
            "How soon, and where, should a community question be answered?",
            "A quick public answer helps the asker and the next person with the same question.",
            ok(
                "Within a few hours, in the channel where it was asked",
                "Right: fast and visible to everyone who follows.",
            ),
            no("Within a month, by email", "Too slow, and nobody else benefits."),
            no(
                "Never; delete it",
                "Deleting questions kills trust and participation.",
            ),
        ),
        single(
            "What share of posts should be promotional?",
            "Keep promotion to about one post in five; the rest should serve members.",
            ok(
                "About one in five",
                "Right: members come for value; occasional promotion is accepted.",
            ),
            no("All of them", "A feed of adverts gets ignored."),
            no(
                "None, ever",
                "Occasional promotion is fine when the community gets value.",
            ),
        ),
        multiple(
            "Which rituals start conversations? Select all that apply.",
            "Weekly questions, member spotlights, behind-the-scenes posts and quick replies "
            "to first comments.",
            ok("A weekly question with a real answer to start it", "Right: easy to join."),
            ok("Member spotlights, with permission", "Right: members love recognition."),
            no(
                "Turning off comments on every post",
                "That ends conversations instead of starting them.",
            ),
            ok(
                "Replying to the first comments within the hour",
                "Right: early replies lift reach and invite more comments.",
            ),
        ),
        true_false(
            "Fair criticism of the product should be deleted to protect the brand.",
            False,
            "Answer fair criticism publicly and move details to a private channel; "
            "deleting it is noticed and destroys trust.",
            "Wrong: members notice deletions and trust the brand less.",
            "Right: answer it openly and thank the member.",
        ),
        single(
            "A member posts spam for the second time after a warning. What is the next step "
            "on the escalation ladder?",
            "Repeated abuse after the rule was explained leads to a ban, logged with a reason.",
            ok("Ban them and log why", "Right: consistent, documented enforcement."),
            no(
                "Ignore it",
                "Leaving spam up tells members the rules do not matter.",
            ),
            no("Argue with them publicly", "It feeds the conflict and clutters the feed."),
        ),
        single(
            "What should a community's one-line purpose describe?",
            "Members return for what they get: answers, peers, early access or recognition.",
            ok(
                "What members get from being there",
                "Right: it guides what to post and what to remove.",
            ),
            no("The brand's sales targets", "Members do not join to meet your targets."),
            no("The logo colours", "That is brand identity, not purpose."),
        ),
    ),
    "consultative-selling": (
        single(
            "What opens a consultative sales conversation?",
            "Diagnose first, prescribe after: questions about the customer's goals and "
            "problems come before any presentation.",
            ok(
                "Questions about the customer's goals and problems",
                "Right: you cannot recommend before you diagnose.",
            ),
            no("A 40-slide product deck", "That is a pitch, not a diagnosis."),
            no("The price list", "Price without value invites a price negotiation."),
        ),
        single(
            '"What happens to revenue when a lead waits two days for a call?" is which '
            "kind of SPIN question?",
            "Implication questions make the customer size the cost of the problem.",
            no("Situation", "Situation questions gather facts about the current setup."),
            no("Problem", "Problem questions find where things break, not their cost."),
            ok(
                "Implication",
                "Right: it asks about the consequences of the problem.",
            ),
            no(
                "Need-payoff",
                "Need-payoff questions ask about the value of solving it.",
            ),
        ),
        true_false(
            "In a discovery meeting, the seller should do most of the talking.",
            False,
            "Aim for about 30 % seller, 70 % customer: you learn only while they talk.",
            "Wrong: talking more means learning less about the customer.",
            "Right: let the customer talk about 70 % of the time.",
        ),
        multiple(
            "What does a good summary during the meeting do? Select all that apply.",
            "Summarising checks understanding, shows you listened and often surfaces the "
            "real issue.",
            ok("Checks your understanding", "Right: the customer can correct you."),
            ok("Shows that you listened", "Right: listening becomes visible."),
            ok(
                "Often brings out the real issue",
                'Right: customers add "actually, the bigger problem is…".',
            ),
            no(
                "Replaces the need to take notes",
                "You still need notes in the customer's words for the proposal.",
            ),
        ),
        single(
            "Your product has a feature that answers none of the customer's needs. In the "
            "recommendation you…",
            "Features that answer no need add price and confusion.",
            ok("Leave it out", "Right: tie every element to something they said."),
            no(
                "Present it first, because it is impressive",
                "Impressive to you, irrelevant to them; it dilutes your case.",
            ),
            no(
                "Add it for free",
                "Giving away value without a reason weakens your price.",
            ),
        ),
        single(
            "How should a consultative meeting end?",
            "A clear next step with a date keeps momentum and tests commitment.",
            ok(
                "With a next step and a date agreed in the meeting",
                "Right: it turns interest into progress.",
            ),
            no('"I\'ll send you something"', "Vague follow-ups stall deals."),
            no(
                "With a discount offer",
                "Discounting before value is agreed undermines the price.",
            ),
        ),
    ),
    "objection-handling-micro": (
        single(
            'A prospect says "too expensive". What is your first move after listening?',
            "Acknowledge, then explore with a question to find what the price is compared with.",
            ok(
                "Acknowledge it and ask what they compare the price with",
                "Right: you learn the real concern before answering.",
            ),
            no(
                "Offer a discount at once",
                "It confirms the price was inflated and costs margin.",
            ),
            no("End the call", "Objections are often signs of interest."),
        ),
        single(
            "What does the E stand for in listen, acknowledge, explore, respond?",
            "Explore means asking a question to find what is behind the objection.",
            ok(
                "Explore: ask what is behind the objection",
                "Right: it is the step most sellers skip.",
            ),
            no("Explain the product again", "Re-explaining ignores the concern."),
            no("Escalate to a manager", "Escalating is not part of the sequence."),
        ),
        true_false(
            "Acknowledging an objection means agreeing with it.",
            False,
            "Acknowledging shows the concern is legitimate to raise; it does not concede it.",
            "Wrong: you recognise the concern without accepting it as true.",
            'Right: "That\'s a fair point to raise" is not "you are right".',
        ),
        multiple(
            'A prospect says "Send me some information". Which responses help? Select all '
            "that apply.",
            "It is often a polite exit: find what they want to check and book the follow-up.",
            ok(
                "Ask what they want to check, so you send one relevant page",
                "Right: it keeps the conversation specific.",
            ),
            ok(
                "Book a follow-up call before hanging up",
                "Right: information without a next step usually goes unread.",
            ),
            no(
                "Send the full 60-page catalogue",
                "It buries the one answer they needed.",
            ),
        ),
        single(
            '"We have no budget." What do you explore?',
            "Find whether it is no budget now or no priority, and when and by whom budgets "
            "are set.",
            ok(
                "When budgets are set and who sets them",
                "Right: it separates timing from priority.",
            ),
            no(
                "Whether they could borrow money",
                "Inappropriate and beside the point.",
            ),
            no("Nothing; move to the next lead", "You may drop a deal that is only early."),
        ),
        single(
            "After responding to an objection, what should you do?",
            "Check that the answer resolved the concern before moving on.",
            ok(
                'Check: "Does that answer your concern?"',
                "Right: unresolved objections come back later.",
            ),
            no("Move straight to the contract", "The concern may still be open."),
            no("Repeat your answer louder", "Volume does not resolve doubts."),
        ),
    ),
    "negotiation-workshop": (
        single(
            "What is your BATNA?",
            "The Best Alternative To a Negotiated Agreement is what you do if this deal "
            "fails; it sets your walk-away point.",
            ok(
                "Your best alternative if no agreement is reached",
                "Right: it tells you when to walk away.",
            ),
            no("Your opening price", "That is your anchor, not your alternative."),
            no("The other side's budget", "That is their constraint, not your alternative."),
        ),
        single(
            'Why is opening with a range ("between 70 and 90") a mistake?',
            "The other side hears only the number that suits them.",
            ok(
                "The other side hears only the lower number",
                "Right: you anchored at 70 without meaning to.",
            ),
            no("Ranges are illegal in contracts", "They are legal; they are just weak."),
            no("It is not a mistake", "It gives away the bottom of your range."),
        ),
        single(
            "Which sentence trades rather than gives?",
            "If-then language links every concession to something in return.",
            ok(
                '"If you sign for two years, then we can hold this year\'s price."',
                "Right: the concession buys something.",
            ),
            no(
                '"OK, we can do 10 % off."',
                "A free concession teaches them to ask for more.",
            ),
            no(
                '"Let me see what I can do."',
                "It signals room without asking for anything.",
            ),
        ),
        multiple(
            "Which are good tradeables to prepare? Select all that apply.",
            "Look for items cheap for you and valuable to them.",
            ok("Payment terms", "Right: often cheap for you, valuable to their cash flow."),
            ok("Start date", "Right: flexible for you, can matter to their planning."),
            ok(
                "Agreeing to be a reference case",
                "Right: valuable to you, low cost to them.",
            ),
            no(
                "Your whole margin",
                "That is the thing you are protecting, not a tradeable.",
            ),
        ),
        true_false(
            "Making concessions in shrinking steps signals you are near your limit.",
            True,
            "Decreasing concessions show the room is running out; big late concessions "
            "suggest there is more.",
            "Right: shrinking steps communicate your limit.",
            "Wrong: large or growing concessions invite further pressure.",
        ),
        single(
            "What should you do within 24 hours of reaching agreement?",
            "A written recap before legal drafting stops the negotiation reopening.",
            ok(
                "Send a written recap of every term",
                "Right: it fixes what was agreed before contracting.",
            ),
            no("Wait for their legal team", "Terms drift while you wait."),
            no(
                "Celebrate and move on",
                "Unclear closes reopen during contracting, usually on price.",
            ),
        ),
    ),
    "crm-hygiene": (
        single(
            "Why log the lead source on every new contact?",
            "Without a source, the lead cannot be attributed and the campaign that "
            "produced it looks worse than it is.",
            ok(
                "So attribution and campaign budgets stay reliable",
                "Right: budgets follow the results reports can see.",
            ),
            no("To fill the database", "Volume of fields is not the goal."),
            no("It is optional", "A missing source hides which campaigns work."),
        ),
        single(
            "Which field works best as the deduplication key for contacts?",
            "The work email is unique to a person; names repeat.",
            ok("Work email", "Right: one person, one address."),
            no("First name", "Thousands of contacts share a first name."),
            no("Country", "Country groups records; it does not identify them."),
        ),
        multiple(
            "Which belong in a minimum complete record? Select all that apply.",
            "Name, work email, company, source and campaign, stage and owner, consent.",
            ok("Lead source and campaign", "Right: needed for attribution."),
            ok("Lifecycle stage and owner", "Right: someone must be responsible."),
            ok("Consent status and date", "Right: required to email them legally."),
            no("Favourite colour", "Interesting, but no decision depends on it."),
        ),
        true_false(
            "Free-text fields are better than picklists for lead source.",
            False,
            '"LinkedIn", "linkedin" and "LI" are three different values to a report; '
            "picklists keep them one.",
            "Wrong: free text fragments the values and breaks reports.",
            "Right: picklists keep values consistent.",
        ),
        single(
            "How quickly should a record be updated after an interaction?",
            "Within one working day, so status, routing and nurture emails stay correct.",
            ok("Within one working day", "Right: stale status misleads everyone downstream."),
            no("At the end of the quarter", "Reports and emails would be wrong all quarter."),
            no("Never; the CRM updates itself", "Only some activity is logged automatically."),
        ),
        single(
            "A lead turns out to be a poor fit. What do you do with the record?",
            "A disqualified record with a reason is useful data; a lead left open is noise.",
            ok(
                "Mark it disqualified, with the reason",
                "Right: it improves targeting and keeps pipeline honest.",
            ),
            no("Delete it", "You lose the history and may re-import it later."),
            no('Leave it as "new"', "It inflates the pipeline and triggers wrong emails."),
        ),
    ),
    "lead-qualification": (
        single(
            "In BANT, what does the A stand for?",
            "BANT: budget, authority, need, timeline.",
            ok("Authority", "Right: who decides, and are they involved?"),
            no("Advertising", "Advertising produces leads; it is not a qualification item."),
            no("Availability", "Availability for a call is not a qualification criterion."),
        ),
        single(
            "What makes CHAMP different from BANT?",
            "CHAMP starts from the customer's challenges, which suits consultative sales "
            "where budget follows a clear problem.",
            ok(
                "It starts from the customer's challenge rather than budget",
                "Right: useful when budget is created once the problem is clear.",
            ),
            no("It ignores authority", "CHAMP keeps authority as its A."),
            no(
                "It is only for marketing leads",
                "Both checklists apply to any lead conversation.",
            ),
        ),
        multiple(
            "Which are good reasons to disqualify a lead? Select all that apply.",
            "Disqualify on lack of fit, no problem you solve, or no access to authority; "
            "timing alone means nurture.",
            ok(
                "The company is far outside the ideal profile",
                "Right: poor fit rarely becomes a good customer.",
            ),
            ok(
                "There is no problem your offer solves",
                "Right: without need there is no sale.",
            ),
            no(
                "They are not ready to buy for six months",
                "Timing is not fit: move them to nurturing instead.",
            ),
            ok(
                "Nobody with authority will ever be involved",
                "Right: the deal cannot close.",
            ),
        ),
        true_false(
            "A contact who downloaded a white paper is a qualified lead.",
            False,
            "A qualified lead fits the profile, shows intent and has a reason to act soon; "
            "one download shows none of that for sure.",
            "Wrong: a download is interest, not qualification.",
            "Right: fit, intent and timing must still be checked.",
        ),
        single(
            "Which question covers need and timeline at once?",
            "Open questions in conversation gather several criteria without an interrogation.",
            ok(
                '"What made you look at this now?"',
                "Right: the answer reveals the problem and its urgency.",
            ),
            no('"What is your budget?"', "That covers budget only."),
            no('"Are you the decision maker?"', "That covers authority only, bluntly."),
        ),
        single(
            "What should a qualified lead's handover to sales include?",
            "A structured note (who, problem in their words, what is known and missing, next "
            "step) saves the first call.",
            ok(
                "A short note: who, problem, what is known and missing, next step",
                "Right: the seller starts where you left off.",
            ),
            no("Only the contact's email", "The seller must start from zero."),
            no(
                "Nothing; sales will find out",
                "The prospect repeats everything, which hurts the first call.",
            ),
        ),
    ),
    "email-nurturing": (
        single(
            "What should trigger a nurturing email?",
            "Nurturing starts when a contact does something, not on a date for everyone.",
            ok("A behaviour of the contact", "Right: it arrives when interest is fresh."),
            no("A fixed date for everyone", "That is a newsletter, not nurturing."),
            no("A random draw", "Random timing ignores intent."),
        ),
        multiple(
            "Which are strong nurturing triggers? Select all that apply.",
            "Behaviour that shows intent: pricing visits, repeated downloads, trial "
            "milestones, replies.",
            ok("Two visits to the pricing page in a week", "Right: strong buying intent."),
            ok(
                "Two downloads on the same topic",
                "Right: a clear interest to follow up on.",
            ),
            no(
                "The contact's birthday",
                "Personal dates say nothing about buying intent.",
            ),
            ok("A reply with a question", "Right: the contact is engaging directly."),
        ),
        single(
            "Which subject line follows the lesson?",
            "Specific and honest, under about 50 characters.",
            ok(
                '"3 fields to remove from your lead form"',
                "Right: specific, honest, short.",
            ),
            no('"Our latest news"', "Vague: nobody knows why to open it."),
            no(
                '"URGENT!!! Don\'t miss this!!!"',
                "Clickbait erodes trust and trips spam filters.",
            ),
        ),
        true_false(
            "A contact who books a sales call should leave the nurturing journey at once.",
            True,
            "Exit rules stop nurturing emails reaching people already talking to sales.",
            "Right: the journey has reached its goal.",
            "Wrong: they would keep getting emails that no longer fit.",
        ),
        single(
            "Sales accepts few of the contacts that nurturing hands over. What do you change?",
            "If sales rejects most handovers, the threshold is too low or intent is underweighted.",
            ok(
                "Raise the score threshold or reweight intent signals",
                "Right: handovers should be leads sales can act on.",
            ),
            no("Send more emails", "Volume does not fix qualification."),
            no("Stop measuring acceptance", "Then you cannot improve."),
        ),
        single(
            "How many calls to action should each nurturing email have?",
            "One email, one job: one call to action, as a button and a link.",
            ok("One", "Right: one clear next step."),
            no("As many as possible", "Choices compete and fewer people click."),
            no("None", "Without a next step the journey goes nowhere."),
        ),
    ),
    "customer-empathy": (
        single(
            "What shows empathy on a call?",
            "Reformulating the problem with the customer's details shows you understood.",
            ok(
                "Reformulating the customer's problem in your words",
                "Right: it proves you listened.",
            ),
            no("Reading the script faster", "Speed signals you want them gone."),
            no(
                "Interrupting with the solution",
                "Even a right answer feels dismissive when it interrupts.",
            ),
        ),
        true_false(
            "You should let the customer finish their first explanation even when you "
            "already know the answer.",
            True,
            "Interrupting tells customers their story does not matter, even when your "
            "answer is right.",
            "Right: listening fully is the basis of feeling understood.",
            "Wrong: interrupting costs more satisfaction than the seconds it saves.",
        ),
        multiple(
            "While the customer talks, what should you note? Select all that apply.",
            "Note facts and feelings separately, and what causes the feelings.",
            ok("Facts: what happened and when", "Right: you need them to solve it."),
            ok(
                "Feelings, such as worry or frustration",
                "Right: you will name them back.",
            ),
            no(
                "Your counter-arguments",
                "Preparing to argue means you are not listening.",
            ),
            ok(
                "What they already tried",
                "Right: it avoids suggesting what already failed.",
            ),
        ),
        single(
            'Which phrase is better than "That\'s our policy"?',
            "Speak about what you can do rather than what you cannot.",
            ok(
                '"Here is what I can do."',
                "Right: it moves to action and keeps the customer on side.",
            ),
            no('"Rules are rules."', "It closes the conversation."),
            no('"You should have read the terms."', "Blaming the customer inflames."),
        ),
        single(
            'Why can "I understand your frustration" backfire?',
            "Without specific details it sounds scripted; reformulate with their details instead.",
            ok(
                "Without specifics it sounds scripted",
                "Right: use their details to show real understanding.",
            ),
            no("It is too short", "Length is not the issue."),
            no("Customers dislike being understood", "They want it; they doubt the script."),
        ),
        single(
            "You cannot answer now. What do you say?",
            "Take ownership and give a time for every promise.",
            ok(
                '"Let me find out; I\'ll call you back by 3 pm."',
                "Right: ownership with a clear time.",
            ),
            no('"I don\'t know."', "It leaves the customer with nothing."),
            no('"Try calling back later."', "It hands the work back to the customer."),
        ),
    ),
    "complaint-handling-micro": (
        single(
            "What closes a complaint well?",
            "A complaint is closed when the customer confirms it is solved, not when the "
            "ticket is.",
            ok("Confirming the fix with the customer", "Right: they decide it is solved."),
            no("Closing the ticket silently", "The customer may still have the problem."),
            no("Blaming another team", "It tells the customer nobody owns the problem."),
        ),
        multiple(
            "Which belong in the first minute of handling a complaint? Select all that apply.",
            "Thank, apologise for the experience, own it.",
            ok("Thank the customer for raising it", "Right: they gave you a chance to fix it."),
            ok(
                "Apologise specifically for their experience",
                "Right: sincere and specific, without admitting legal fault.",
            ),
            no(
                "Explain the internal causes in detail",
                "Too early: the customer wants to know you are on their side.",
            ),
            ok('Take ownership: "I\'ll handle this myself"', "Right: one person, no runaround."),
        ),
        true_false(
            "Apologising for the customer's experience means admitting legal fault.",
            False,
            "You can sincerely regret the experience without accepting liability.",
            "Wrong: an apology for the experience is not an admission of fault.",
            "Right: it acknowledges how the customer feels.",
        ),
        single(
            "Which promise follows the lesson?",
            "Promise only what you control, with a time.",
            ok(
                '"I\'ll call you tomorrow before noon with an answer."',
                "Right: in your control, with a time.",
            ),
            no(
                '"This will never happen again."',
                "You cannot guarantee it; a broken promise is worse.",
            ),
            no('"Someone will get back to you."', "No owner and no time."),
        ),
        single(
            "Why log the root cause of each complaint?",
            "Recurring causes reach the team that can remove them; one fix prevents many "
            "complaints.",
            ok(
                "So recurring causes get fixed at the source",
                "Right: it prevents future complaints.",
            ),
            no("To blame the right person", "The aim is to fix, not to blame."),
            no("It is required for closing the ticket", "The value is prevention, not process."),
        ),
        single(
            "You cannot give the refund the customer asks for. What do you do?",
            "Say so honestly and offer the best alternative you can.",
            ok(
                "Say so and offer the best alternative you can",
                "Right: honesty plus an option keeps trust.",
            ),
            no("Promise it anyway", "A broken promise doubles the complaint."),
            no("Stop replying", "Silence turns a complaint into a lost customer."),
        ),
    ),
    "brand-voice": (
        single(
            "What does a brand voice guide define?",
            "Traits, vocabulary and examples, so everyone writes like the same company.",
            ok("Tone, vocabulary and examples", "Right: usable by anyone who writes."),
            no("The logo's pixel size", "That is the visual identity guide."),
            no("The sales targets", "Targets are not about how the brand speaks."),
        ),
        single(
            "What is the difference between voice and tone?",
            "Voice is the constant personality; tone adapts it to the situation.",
            ok(
                "Voice stays the same; tone adapts to the situation",
                "Right: same character, different moods.",
            ),
            no("They are the same thing", "Mixing them makes every message sound alike."),
            no("Tone never changes", "A launch and an apology need different tones."),
        ),
        true_false(
            "An apology after an outage should use the same upbeat tone as a product launch.",
            False,
            "After an outage, be serious and direct: what happened, what you fixed, what "
            "comes next.",
            "Wrong: jokes and exclamation marks read as not caring.",
            "Right: the voice stays, the tone turns serious.",
        ),
        multiple(
            "Which sentences fit the traits clear, warm and confident? Select all that apply.",
            "Plain words, human and helpful, direct and backed by facts.",
            ok('"Export your report in one click."', "Right: clear and direct."),
            ok('"Good question: here\'s how."', "Right: warm and helpful."),
            no(
                '"Leverage our best-in-class synergistic platform."',
                "Jargon and hype: it fails all three traits.",
            ),
            ok('"Teams save two hours a week."', "Right: confident and factual."),
        ),
        single(
            "What is the best question to ask before publishing?",
            "Tone should fit how the reader will feel.",
            ok(
                "How will the reader feel, and does our tone fit that?",
                "Right: tone follows the reader's situation.",
            ),
            no("Is it long enough?", "Length is not a voice question."),
            no("Does it use our slogan?", "Slogans do not make a voice."),
        ),
        single(
            "Why does a consistent voice matter?",
            "Consistency makes the brand recognisable and builds trust over time.",
            ok(
                "It makes the brand recognisable and builds trust over time",
                "Right: trust grows with consistency, slowly.",
            ),
            no("It doubles engagement within a week", "Its effect is slow and hard to see."),
            no("It replaces the need for good content", "Voice carries content; it is not one."),
        ),
    ),
    "analytics-dashboards": (
        single(
            "What belongs on a marketing dashboard?",
            "A few KPIs, each tied to a decision someone makes.",
            ok("A few KPIs tied to decisions", "Right: every chart should change an action."),
            no("Every metric available", "Too many numbers hide the ones that matter."),
            no("Only vanity metrics", "Followers and total views rarely drive decisions."),
        ),
        multiple(
            "Which are leading indicators of qualified leads? Select all that apply.",
            "Leading indicators move before results: impressions, demo requests, replies.",
            ok("Organic impressions", "Right: visibility comes before visits and leads."),
            ok("Demo requests", "Right: they precede qualified leads."),
            no("Revenue last quarter", "That is a lagging result."),
            ok("Email replies", "Right: engagement that predicts conversations."),
        ),
        true_false(
            "Bar charts comparing values should start their axis at zero.",
            True,
            "A truncated axis makes small differences look huge.",
            "Right: bar length must be proportional to the value.",
            "Wrong: truncated bars exaggerate differences.",
        ),
        single(
            "Why write a definition for each KPI?",
            "Two people reading the same number must mean the same thing.",
            ok(
                "So everyone means the same thing by the number",
                "Right: formula, source, filters and time zone remove ambiguity.",
            ),
            no("To make the dashboard longer", "Definitions can sit in a tooltip or glossary."),
            no("Because tools require it", "The reason is shared meaning, not tooling."),
        ),
        single(
            "The current month always looks low on the trend chart. Why?",
            "The current period is incomplete; mark it as partial.",
            ok(
                "It is incomplete; mark it as partial",
                "Right: otherwise readers see a false drop.",
            ),
            no("Marketing always slows down", "It is a data artefact, not a trend."),
            no("The tool is broken", "The tool is fine; the period is unfinished."),
        ),
        single(
            "Which chart suits a trend over 12 months?",
            "Lines for trends, bars for comparisons, a single number for status.",
            ok("A line chart", "Right: it shows direction and change over time."),
            no("A 3D pie chart", "Pies cannot show time, and 3D distorts."),
            no("A table of raw numbers", "Readers cannot see the shape of the trend."),
        ),
    ),
    "video-content-micro": (
        single(
            "What matters most in the first seconds of a short video?",
            "Viewers decide almost instantly; start with the payoff or the problem.",
            ok("A hook that shows the value", "Right: it earns the next seconds."),
            no("A long logo animation", "Viewers scroll before it ends."),
            no("The credits", "Nobody waits for them."),
        ),
        true_false(
            "Most short videos in feeds are watched with the sound off.",
            True,
            "Design for sound off: captions and visuals must carry the message.",
            "Right: add captions and show rather than tell.",
            "Wrong: many viewers never turn the sound on.",
        ),
        multiple(
            "Which choices suit short-video feeds? Select all that apply.",
            "Vertical, captioned, with frequent cuts and front lighting.",
            ok("Vertical 9:16 framing", "Right: it fills the phone screen."),
            ok("Burned-in or checked captions", "Right: needed with the sound off."),
            no(
                "A 20-second intro before the tip",
                "Viewers leave long before the tip arrives.",
            ),
            ok("A change of shot every two to four seconds", "Right: it holds attention."),
        ),
        single(
            "How long should a one-idea short video usually be?",
            "15 to 45 seconds is enough for one idea.",
            ok("15 to 45 seconds", "Right: long enough for one tip, short enough to finish."),
            no("5 minutes", "Too long for one idea in a short-video feed."),
            no("2 seconds", "Only room for a hook, not the tip."),
        ),
        single(
            "What should end a short video?",
            "One call to action tells viewers what to do next.",
            ok("One call to action", "Right: follow, comment or visit, but only one."),
            no("Three different calls to action", "Competing actions get none done."),
            no("A fade to black with music", "Viewers leave without acting."),
        ),
        single(
            "You have a long article with five tips. What do you film?",
            "Turn long content into a series of short videos, one idea each.",
            ok(
                "A series of short videos, one tip each",
                "Right: each video stays focused and the series brings viewers back.",
            ),
            no("One video with all five tips", "Too much for one short video."),
            no("A video reading the article aloud", "Reading aloud is not video-native."),
        ),
    ),
}
