"""The demo modules' micro-lessons: a summary and Markdown steps per module.

Each body is cut into steps at its ``## `` headings (see ``lms_roi.lessons``);
the last step, "Apply it this week", ties the lesson to the KPIs the module
targets. Modules improved mid-year (``content.IMPROVED``) get a version 2 with
one extra step, described by its change note.
"""

from __future__ import annotations

from dataclasses import dataclass

APPLY_HEADING = "## Apply it this week"


@dataclass(frozen=True)
class Lesson:
    summary: str
    body: str


@dataclass(frozen=True)
class Revision:
    """Version 2 of an improved module: a step inserted before "Apply it this week"."""

    change_note: str
    step: str


def body_of(slug: str, version: int = 1) -> str:
    """The module's lesson as published in ``version`` (2 adds its revision's step)."""
    body = LESSONS[slug].body
    if version == 1 or slug not in REVISIONS:
        return body
    before, after = body.split(APPLY_HEADING, 1)
    return f"{before}{REVISIONS[slug].step.strip()}\n\n{APPLY_HEADING}{after}"


LESSONS = {
    "content-strategy": Lesson(
        "Plan content that serves one business goal, one reader and one stage of the "
        "buyer journey, so every piece earns traffic or engagement.",
        """\
## Start from one business goal

Content without a goal turns into a publishing habit. Pick **one goal per quarter** and the
metric that proves it:

- **Awareness**: organic visits to the blog and guides (web traffic)
- **Engagement**: shares, comments and saves on social posts
- **Demand**: newsletter sign-ups and demo requests

Write the goal as a sentence your manager could check: *"Grow organic visits to the guides
section from 9,000 to 10,500 a month by the end of June."* A piece of content that cannot be
linked to that sentence goes to the bottom of the backlog, however good the idea is.

## Know who you are writing for

A persona is useful only if it changes what you write. Skip the stock photo and the hobbies;
write down what the reader is **trying to get done** and the words they use for it.

Interview three recent customers with three questions:

1. What were you trying to fix when you first looked for a solution?
2. What did you type into Google or ask colleagues?
3. What almost stopped you from buying?

Their answers give you topics (question 1), search queries and headlines (question 2) and
the objections your decision-stage content must answer (question 3).

## Map content to the buyer journey

Each stage asks a different question, so it needs a different format and call to action.

| Stage | The reader asks | Format | Call to action |
|---|---|---|---|
| Awareness | "Why is this happening?" | Guide, checklist, short video | Read the next article |
| Consideration | "What are my options?" | Comparison, webinar, case study | Subscribe, download |
| Decision | "Why you, why now?" | Pricing page, ROI calculator, demo | Book a call |

Most teams over-produce awareness content. Count your last twenty pieces by stage before
deciding what to write next.

## Build pillars, then repurpose

Choose **three or four pillar topics** you want to be known for. Each pillar gets one long
page that covers the topic broadly and six to ten cluster articles that go deep on one
question each and link back to the pillar. Search engines read the cluster as expertise;
readers get a path to follow.

Every brief answers five lines before anyone writes:

- **Reader** and **stage**
- **Search query** or social question it answers
- **One key message**
- **Call to action**
- **Distribution**: which three social posts or newsletter slots will reuse it

## Apply it this week

Audit the last ten pieces your team published:

1. Tag each with its **stage** and the **goal** it serves; mark the ones that serve none.
2. Find the biggest gap, usually consideration content for one pillar.
3. Brief the next two pieces to fill it, with the five-line brief above.

Note this month's **web traffic** to the pillar pages and the **social engagement** on the
posts that promote them. Compare both in 30 days, when the ROI report reads them too.
""",
    ),
    "storytelling-micro": Lesson(
        "Turn a customer case or a product fact into a short story with a situation, a "
        "tension and a resolution that people read to the end and share.",
        """\
## Why stories beat feature lists

People remember what happened to someone far better than a list of what a product does.
A story gives the reader a **character to identify with**, a **problem they recognise** and
a **reason to keep reading** until the problem is solved.

On social, that difference is measurable: posts built around a person and a problem get
more comments and shares than feature announcements, because readers answer with their
own version of the story. You do not need a big budget or a film crew; you need a real
situation, told with concrete details, in a structure that holds attention.

## Situation, tension, resolution

Almost every short story that works has three beats:

1. **Situation**: who, where, what they wanted. One or two sentences.
2. **Tension**: what went wrong or what stood in the way. This is why people keep reading.
3. **Resolution**: what changed, and what the reader can take from it.

> **Example.** *Nadia runs a bakery with two shops (situation). Every Friday she threw away
> forty croissants because she could not predict demand (tension). She started taking
> pre-orders through a simple form; waste fell to five a week and Friday became her best
> day (resolution).*

Notice that the product appears only in the resolution, as the way out.

## Make it concrete, then cut

Details make a story believable: a **name**, a **number**, a **moment**. "A customer saved
time" is forgettable; "Julie closed the month in two days instead of five" is not.

Then cut hard for the feed:

- Open with the tension or a striking number, not with "We are proud to announce".
- One character, one problem, one change.
- Keep dialogue short and real: write what people actually said.
- End with a question that invites readers to share their own version.

Read the draft aloud. Every sentence that does not move the story forward goes.

## Apply it this week

Pick one customer conversation or support ticket from the last month and write it as a
five-sentence story: one sentence of situation, two of tension, two of resolution.

Publish it on the channel where your team measures **social engagement**, next to a
standard product post published the same week. Compare comments, shares and saves after
seven days and keep the structure that wins for your next three posts.
""",
    ),
    "seo-fundamentals": Lesson(
        "Understand how search engines pick the page that best answers a query, and write "
        "titles and content that match the searcher's intent.",
        """\
## How search engines choose a page

A search engine does three jobs:

1. **Crawl**: its robots follow links to discover pages.
2. **Index**: it reads each page and stores what it is about.
3. **Rank**: for every query, it orders indexed pages by how well they answer it.

Ranking weighs hundreds of signals, but they come back to two questions: *does this page
answer what the searcher wants?* and *can this site be trusted on the topic?* Repeating a
keyword twenty times answers neither. A page that solves the searcher's problem quickly,
on a site that other reputable pages link to, does. Everything in this module serves those
two questions.

## Match the search intent

Every query hides an intent. Type it into the search engine and look at what ranks today:
the results page tells you what the engine believes people want.

- **Informational**: "how to calculate customer lifetime value" → a guide with an example.
- **Navigational**: "acme crm login" → the login page; do not compete.
- **Commercial**: "best crm for small business" → comparisons and reviews.
- **Transactional**: "crm pricing" → a pricing page with a clear offer.

If the first page shows only how-to guides, a product page will not rank for that query,
however well it is optimised. Write the format that matches the intent.

## Title tags and meta descriptions

The title tag is the blue link in the results: it decides whether the searcher clicks.

- Put the **main query near the start**; keep it under about **60 characters**.
- Make every title **unique** across the site.
- Promise what the page delivers, nothing more.

- **Before:** *Home | Blog | Article 42*
- **After:** *Customer lifetime value: formula and worked example*

The meta description does not change rankings directly, but a clear one (about 150
characters, with the benefit and a reason to click) raises the click-through rate, which
turns the same ranking into more visits.

## Content that earns the click and the stay

Once the searcher lands, answer fast:

- Give the **answer in the first paragraph**, then the detail.
- Use **descriptive subheadings** (H2, H3) that read like the questions people ask.
- Add what others lack: a worked example, a template, a screenshot, your own numbers.
- Name the author and show why they know the topic.
- **Update** pages whose facts or screenshots are out of date, and say when you did.

A visitor who finds the answer and goes on to a second page is the strongest sign that the
page deserved its ranking.

## Apply it this week

Open Search Console, *Performance* report, last three months. Filter pages with many
impressions but a click-through rate under 2 %.

1. For the top three, check the results page: does your format match the intent?
2. Rewrite their title tags and meta descriptions with the rules above.
3. Move the answer into the first paragraph.

Note their clicks today. **Web traffic** from these pages is the KPI this module targets;
check it again in 30 days.
""",
    ),
    "seo-technical-audit": Lesson(
        "Find and prioritise the technical problems that stop search engines from crawling, "
        "indexing and quickly loading your pages.",
        """\
## Crawlability: can robots reach the pages?

Run a crawler (Screaming Frog, Sitebulb or the open-source equivalent) over the whole site
and compare what it finds with your **XML sitemap**.

Check, in this order:

- **robots.txt** does not block sections that should rank (a leftover `Disallow: /` from
  staging is a classic).
- **Status codes**: every 4xx page that still receives links, every 5xx error.
- **Redirect chains**: more than one hop wastes crawl budget and dilutes links; point links
  at the final URL.
- **Orphan pages**: in the sitemap but linked from nowhere, so robots rarely visit them.

Export each list; it becomes a ticket later.

## Indexability: may the pages be stored?

A page can be crawled yet kept out of the index. Look for:

- **noindex** directives in the meta robots tag or the `X-Robots-Tag` header. One template
  with noindex can hide thousands of pages.
- **Canonical tags** pointing to another URL: check that they point where you mean.
- **Duplicates**: the same content under `http`/`https`, with and without `www`, with
  tracking parameters. Pick one version and redirect or canonicalise the others.
- **Thin pages**: filters and tag pages with almost no content.

Search Console's *Pages* report lists why each excluded URL is excluded: read the reasons,
not only the count.

## Speed and Core Web Vitals

Slow pages lose visitors before they read a word, and search engines use page experience
as a tiebreaker. Measure on **field data** (real users, Search Console or CrUX), not only on
one lab test.

| Metric | Measures | Good |
|---|---|---|
| LCP | when the main content appears | ≤ 2.5 s |
| INP | how fast the page reacts to input | ≤ 200 ms |
| CLS | how much the layout jumps | ≤ 0.1 |

Usual fixes: compress and size images, lazy-load what is below the fold, reserve space for
ads and embeds, and defer third-party scripts that nobody needs on first paint.

## Prioritise the findings

An audit with 300 issues and no order fixes nothing. Score each finding on **impact**
(how many important pages, how badly) and **effort** (hours of development):

1. **Template-level issues first**: one fix repairs thousands of pages.
2. Then problems on pages that already earn traffic or revenue.
3. Cosmetic warnings last, or never.

Write each ticket so a developer can act without you: the affected URLs or template, the
evidence (screenshot, header), the expected result and how to check it is fixed.

## Apply it this week

Crawl the site, or the section you own, and produce a **top five** list ranked by impact
and effort. File the first two as tickets with evidence and an acceptance check, and agree
a date with the development team.

Annotate the fix date on the traffic dashboard. The module targets **web traffic**: once
the fixes ship, compare organic visits to the affected pages with the rest of the site
after 30 days.
""",
    ),
    "keyword-research-micro": Lesson(
        "Run a 30-minute keyword sprint that turns customer questions into specific "
        "long-tail queries worth writing for.",
        """\
## Start from real questions

Good keywords come from customers before tools. Collect seed topics from:

- **Sales calls and support tickets**: the exact words customers use.
- **Search Console**: queries you already get impressions for but rank on page two.
- **Autocomplete and "People also ask"**: type the seed and note every suggestion.
- **Forums and communities**: how people phrase the problem when no marketer is around.

Write each as a question, e.g. *"how to reduce cost per lead on linkedin"*. A list of
twenty real questions beats a list of two hundred generated terms.

## Judge each keyword on four points

For every candidate, note:

1. **Intent**: what does the results page show (guides, products, comparisons)?
2. **Volume**: enough people search for it to matter, even if only 50 a month.
3. **Difficulty**: are the top results huge brands, or pages like yours?
4. **Business value**: would someone searching this ever need what you sell?

A new or small site wins with **specific long-tail queries** ("crm for independent
plumbers") rather than head terms ("crm"): less competition, clearer intent, readers
closer to a decision. Group close variants into one page instead of one page per variant.

## Apply it this week

Run a **30-minute sprint** for the topic you are writing about next:

- 10 minutes: collect twenty questions from the sources above.
- 10 minutes: score them on the four points; keep the best three.
- 10 minutes: check that no page on your site already targets them, then add them to the
  brief with their intent.

The module targets **web traffic**: record the three queries and check their impressions
and clicks in Search Console 30 days after publishing.
""",
    ),
    "paid-search-bidding": Lesson(
        "Choose and tune a search bidding strategy from reliable conversion data, so "
        "every euro of budget buys qualified leads at a lower cost.",
        """\
## Measure the right conversion first

Every bidding strategy optimises for what you tell it is a conversion. If that is "visited
the contact page", it will buy visits to the contact page.

- Track **form submissions that create a lead**, not page views.
- Mark only the conversion that matters as **primary**; keep newsletter sign-ups and
  downloads as secondary so they do not drive bids.
- Import **offline conversions** from the CRM (lead qualified, deal won) so the system
  learns which clicks produce business, not only forms.
- Check the numbers match the CRM within about 10 % before trusting any automated strategy.

Wrong tracking is the most common reason a campaign's cost per lead rises after switching
to smart bidding.

## Manual or smart bidding?

- **Manual CPC**: you set the maximum bid per keyword. Full control, a lot of work, useful
  on new accounts without conversion history.
- **Maximise conversions**: spends the daily budget to get as many conversions as possible.
  A good step to build data.
- **Target CPA**: aims at an average cost per conversion you set.
- **Target ROAS**: aims at a return on ad spend; needs conversion values.

Smart strategies need data: as a rule of thumb, **at least 30 conversions in 30 days** per
campaign (or shared across a portfolio) before target CPA works reliably.

## Set a target CPA you can defend

Derive the target from what a lead is worth, not from last month's average:

> Value of a lead = lead-to-customer rate × average gross margin per customer
>
> Example: 5 % × €2,000 = **€100**. Keeping acquisition under a third of that value gives a
> target CPA of about **€33**.

Start the target close to the current actual CPA, then lower it in steps of 10 to 15 %.
Setting it far below reality makes the system stop bidding on most auctions, and volume
collapses.

## Respect the learning period

After any significant change, the algorithm needs time to relearn, usually one to two weeks
or about 50 conversions.

- Change **one thing at a time**: target, budget or structure, not all three.
- Keep budget or target changes **under about 20 %** per step.
- Judge results on **full weeks**, after the conversion delay (leads that convert days
  after the click).
- Use **seasonality adjustments** for short, known events (a sale weekend) instead of
  changing targets back and forth.

## Apply it this week

Check one campaign end to end:

1. Compare its primary conversions last month with the qualified leads the CRM shows.
2. If they match and it has 30+ conversions a month, move it to target CPA set at its
   current CPA; if not, fix tracking first.
3. Write the date and the setting in the change log.

The module targets **cost per lead**: note the campaign's CPL today and compare it after
the learning period and again at 30 days.
""",
    ),
    "landing-page-cro": Lesson(
        "Raise the share of visitors who become qualified leads by matching the ad's "
        "promise, removing distractions and testing changes properly.",
        """\
## Match the message of the ad

A visitor clicks an ad because of a promise. If the page they land on does not repeat that
promise **in the first screen**, many leave within seconds.

- The **headline** repeats the ad's offer in the same words: ad "Free SEO audit in 48 h" →
  headline "Get your free SEO audit within 48 hours".
- The **image** shows the thing offered, not a generic handshake.
- The **call to action** names the result: "Get my audit", not "Submit".

One landing page per offer and audience beats one generic page for every campaign.

## One page, one goal

Every link that does not lead to the goal is an exit. On a campaign landing page:

- Remove the main navigation and footer menus.
- Keep **one call to action**, repeated after each section on long pages.
- Put proof next to the form: a client logo row, one short testimonial with a name and a
  result, a security or privacy note.
- Answer the top three objections (price, time, commitment) in short lines under the form.

Check the page on a phone first: most paid social traffic arrives on mobile.

## Forms that qualify without scaring

Each extra field lowers the completion rate, but a form with only an email fills the CRM
with leads sales cannot use. Ask **only what sales needs to act**:

- Essential: name, work email, company.
- One **qualifying question** that routes the lead: team size, budget range or timeframe.
- Everything else (phone, job title, industry) can be enriched later or asked on the call.

Use clear labels, show errors next to the field, and never clear the form when one field is
wrong.

## Test changes properly

A/B tests give wrong answers when run carelessly:

1. Write a **hypothesis**: "Repeating the ad offer in the headline will raise form
   completions because visitors recognise what they clicked."
2. Change **one thing** per test.
3. Compute the **sample size** you need before starting; do not stop at the first good day.
4. Run **full weeks**, so weekday and weekend visitors both count.
5. Judge on **qualified leads**, not only on form fills.

## Apply it this week

Take the landing page with the most paid traffic:

1. Put the ad next to the page: does the headline repeat its promise? Fix it if not.
2. Remove every link that does not lead to the form.
3. Replace one non-essential field with a qualifying question.

Record the page's **conversion rate** and **qualified leads** for the last four weeks, then
compare the next four weeks against them.
""",
    ),
    "social-ads-micro": Lesson(
        "Lower the cost per lead of social ads with tight audiences, feed-native creative "
        "and a weekly look at the numbers that matter.",
        """\
## Audience first

The cheapest lead comes from the right person, not from the cheapest click.

- **Custom audiences**: website visitors of the last 30 days, people who opened a lead form
  without submitting, your newsletter list.
- **Lookalikes** built from **qualified leads or customers** (start at 1 %), not from all
  website visitors.
- **Exclude** current customers and people who converted in the last 30 days.
- Keep audiences large enough for the platform to learn, typically a few hundred thousand
  people for prospecting.

## Creative that fits the feed

People scroll past anything that looks like an ad in the first second.

- **Hook in the first three seconds**: the problem, a number or a face.
- Use the platform's **native formats**: vertical video, carousel, plain text-on-image.
- **One message per ad**, one call to action.
- Launch **three to five variants** of hook or visual, not one "perfect" ad.

> Example: instead of "Discover our CRM", show a sales manager's crowded spreadsheet and the
> line "Still chasing leads in Excel? Here is a 5-minute fix."

## Read the numbers that matter

Check once a week, not every hour:

- **Cost per lead**, and the share of those leads that sales qualifies. A cheap click that
  never converts is not cheap.
- **Frequency** above about 3 in a week with rising cost per lead means creative fatigue:
  refresh the creative.
- Pause variants that spent **twice your target cost per lead** without a lead.
- Move budget to winners in steps of about 20 %, so the campaign keeps learning.

## Apply it this week

In your largest social campaign, exclude existing customers, replace one broad audience
with a 1 % lookalike of qualified leads, and add two new creative variants with a problem
hook. Leave the budget unchanged, so the comparison is fair, and write the changes and
their date in the campaign notes.

The module targets **cost per lead**: note the campaign's CPL and qualified share today and
compare them after two full weeks.
""",
    ),
    "community-management": Lesson(
        "Grow an active community on social channels with a clear purpose, quick human "
        "answers, conversation starters and fair moderation.",
        """\
## Decide what the community is for

A community that exists "to promote the brand" stays quiet. Members come back for
something they get: **answers**, **peers**, **early access** or **recognition**.

Write a one-line purpose and three house rules, and pin them:

> *"A place for growth marketers to swap what works. Be kind, no sales pitches, share
> sources."*

The purpose tells you what to post and what to remove. Review it every quarter against
what members actually talk about.

## Answer fast, in the channel, as a person

Response time is the first thing members judge.

- Answer questions **within a few hours** during working hours, in the **channel where they
  were asked**: the answer helps the next person who has the same question.
- Sign with a first name; write like a colleague, not a press release.
- Use saved replies as a starting point, never as the whole answer.
- If you do not know, say when you will come back, and come back.

Track the median first-response time weekly; it is the easiest lever on engagement.

## Start conversations, do not only broadcast

A healthy feed is mostly members talking to each other. Useful rituals:

- A weekly **question** with a real answer to start it ("What cut your cost per lead this
  quarter?").
- **Member spotlights**: share a member's work, with permission.
- **Show the behind-the-scenes**: drafts, mistakes, results.
- Reply to the first comments on every post within the hour; early replies lift reach.

Keep promotional posts to about **one in five**.

## Handle conflict fairly

Use an escalation ladder and apply it the same way to everyone:

1. **Criticism** of the product: answer publicly, thank, move details to a private channel.
   Never delete fair criticism; members notice.
2. **Off-topic or heated** posts: reply with the house rule, calmly.
3. **Spam or abuse**: hide or remove, and explain the rule once.
4. **Repeated abuse**: ban, and log why.

Agree in advance who escalates what to legal or PR, so nobody improvises during a crisis.

## Apply it this week

Measure your median first-response time over the last two weeks, then set a target
(for example under four hours) and a rota to hold it. Start one weekly question ritual and
reply to the first comments within the hour. Share the rota and the house rules with
everyone who posts on the brand's behalf.

The module targets **social engagement**: note comments and shares per post today and
compare them over the next month.
""",
    ),
    "consultative-selling": Lesson(
        "Sell by diagnosing the customer's problem first, with questions that build the "
        "business case, and recommend only what solves it.",
        """\
## From pitching to diagnosing

In a pitch, the seller talks about the product and hopes something resonates. In a
consultative sale, the seller acts like a doctor: **diagnose first, prescribe after**.

Customers buy when they see a gap between where they are and where they need to be, and
believe you can close it. Your first job is to help them see and size that gap. Aim for a
**talk ratio of about 30 % seller, 70 % customer** in discovery meetings.

Prepare each first meeting with three hypotheses about the customer's likely problems,
drawn from their industry, size and recent news, and test them with questions.

## Ask questions that build the case

The SPIN sequence moves from facts to value:

- **Situation**: "How do you handle inbound leads today?" Keep these few; research the rest.
- **Problem**: "Where does that process break down?"
- **Implication**: "What happens to revenue when a lead waits two days for a call?"
- **Need-payoff**: "If every lead got a call within an hour, what would that be worth?"

Implication questions do the most work: they let the customer put a number on the problem
in their own words. Write those numbers down.

## Listen, then summarise

Listening is visible only when you play it back. Every ten minutes or so, summarise:

> *"So if I have understood: you get about 400 leads a month, a third wait more than a day,
> and you estimate you lose one deal in five because of it. Is that right?"*

A summary checks your understanding, shows respect and often brings out the real issue
("Actually, the bigger problem is…"). Take notes in the customer's words; you will reuse
them in the proposal.

## Recommend what solves their problem

Now, and only now, present. Link each part of your offer to something they said:

| They said | You propose | Value in their terms |
|---|---|---|
| "Leads wait two days" | Automatic routing | Calls within the hour |
| "We lose one deal in five" | Follow-up alerts | Fewer lost deals |

Leave out features that answer no need; they add price and confusion. Close with a clear
next step and a date, agreed in the meeting.

## Apply it this week

Before your next two discovery meetings, write three hypotheses and two implication
questions for each. After the meetings, check your talk ratio with your notes or the call
recording and send a written summary in the customer's words.

The module targets **revenue** and **conversion rate**: track how many of these
opportunities move to the proposal stage over the next month against your usual rate.
""",
    ),
    "objection-handling-micro": Lesson(
        "Handle sales objections with the listen, acknowledge, explore, respond sequence "
        "instead of discounting or arguing.",
        """\
## Listen, acknowledge, explore, respond

An objection is a question in disguise, often a sign of interest. Answer it too fast and
you answer the wrong question. Use four moves:

1. **Listen** to the end without interrupting.
2. **Acknowledge** that the concern is legitimate: "That's a fair point to raise."
   Acknowledging is not agreeing.
3. **Explore** with a question to find what is really behind it: "Compared to what?"
4. **Respond** to the real concern, then **check**: "Does that answer it?"

Most sellers skip step 3 and respond to the surface objection.

## Worked example: "It's too expensive"

> **Prospect:** It's too expensive.
>
> **Seller:** I understand price matters. Can I ask what you are comparing it with?
>
> **Prospect:** The other tool is €20 a user cheaper.
>
> **Seller:** That makes sense. Apart from price, how do the two compare on the reporting
> you said your director needs every Monday?
>
> **Prospect:** Theirs would need a manual export.
>
> **Seller:** How long does that export take your team each week?

The seller did not discount. The exploring question turned a price objection into a value
comparison the prospect makes in their own numbers.

## The question behind common objections

- **"We have no budget."** Is it no budget this quarter, or no priority? Ask when budgets
  are set and who sets them.
- **"Send me some information."** Often a polite exit. Ask what they want to check, so you
  send one relevant page, and book the follow-up.
- **"We already use a competitor."** Ask what works well and what they would change.
- **"Now is not a good time."** Ask what would need to change for it to be the right time.

Keep a shared list of objections heard each week and the answers that worked.

## Apply it this week

Write down the three objections you hear most. For each, prepare one acknowledging sentence
and one exploring question, and use them on your next calls. After each call, note whether
the deal moved to the next stage, and which question uncovered the real concern. Share the
best one at the next team meeting.

The module targets **conversion rate**: compare the share of your opportunities that
advance after an objection this month with last month.
""",
    ),
    "negotiation-workshop": Lesson(
        "Prepare and run commercial negotiations that protect price and margin: know your "
        "alternatives, anchor well and trade every concession.",
        """\
## Prepare your BATNA and walk-away point

Most negotiations are won or lost before the meeting. Write down:

- Your **BATNA**, the best alternative to a negotiated agreement: what you do if this deal
  fails (another prospect in the pipeline, a smaller deal, waiting a quarter).
- Your **walk-away point**: the worst terms you will accept, derived from that BATNA.
- Your **target**: ambitious but justifiable.
- Their likely BATNA and pressures: deadlines, competing offers, internal politics.

The stronger your BATNA, the less you need this deal, and the more calmly you negotiate.
Improve it before the meeting by working other opportunities.

## Anchor and open

The first number on the table pulls the final result towards it. When you have good
information on the value to the customer, **open first**, with an ambitious but defensible
figure and its reason:

> *"For the three teams and the integration work, our proposal is €84,000 a year. That
> reflects the two hours a day your sales managers told us they would save."*

Never open with a range ("between 70 and 90"): the other side hears only the lower number.
If they anchor first with an extreme figure, do not counter it; name it as unrealistic and
restate the basis of value.

## Trade, never give

Every concession without something in return teaches the other side to ask for more.
Use **if-then** language:

- "**If** you can sign a two-year agreement, **then** we can hold this year's price."
- "**If** we reduce the price, **then** we need to remove on-site training."

Prepare a list of tradeables before the meeting: **cheap for you, valuable to them**
(payment terms, start date, reference case, training slots) and the reverse. Concede in
shrinking steps; big late concessions signal more room.

## Close and confirm

When you are near agreement:

1. **Summarise** every term out loud, including who does what and by when.
2. Ask for explicit agreement on the package, not item by item.
3. Send a **written recap** within 24 hours, before legal drafting starts.
4. Log the final terms and concessions in the CRM, so the account team knows what was
   promised.

Unclear closes reopen the negotiation during contracting, usually on price.

## Apply it this week

Take the next deal you will negotiate and fill a one-page plan: BATNA, walk-away point,
target, opening anchor with its justification, and five tradeables with their cost to you
and value to them. Review it with your manager before the meeting.

The module targets **revenue**: record the discount you conceded on that deal and compare
it with your average discount over the last quarter.
""",
    ),
    "crm-hygiene": Lesson(
        "Keep CRM records complete, deduplicated and up to date so lead status, routing and "
        "attribution can be trusted.",
        """\
## Why dirty data costs leads

A CRM is only as useful as its worst field. Typical damage:

- **Duplicates**: two reps call the same contact, or a hot lead sits on an old record
  nobody owns.
- **Missing source**: the lead cannot be attributed, so the campaign that produced it looks
  worse than it is and loses budget.
- **Stale status**: "new" leads that were called weeks ago, so reports overstate the
  pipeline and nurture emails go to people already talking to sales.

Marketers create most records through forms and imports, so marketing owns much of this
quality.

## The minimum complete record

Agree a short list of **required fields** and enforce it on every form and import:

- First name, last name, **work email** (the deduplication key)
- Company and country
- **Lead source** and **campaign** (never "other")
- **Lifecycle stage** and **owner**
- **Consent** status and date

Use picklists instead of free text for source, country and stage: "LinkedIn", "linkedin"
and "LI" are three values to a report. Check for duplicates on email and company domain
before importing any list.

## Lifecycle stages everyone uses the same way

Write one definition per stage and the rule to move a record:

- **Lead**: a known contact, not yet qualified.
- **MQL** (marketing qualified lead): fits the ideal profile and reached the engagement
  threshold.
- **SQL** (sales qualified lead): sales accepted it after a first conversation.
- **Opportunity**, **customer**, or **disqualified**, with a reason.

Update a record **within one working day** of any interaction. A disqualified record with
a reason is useful data; a lead left in "new" forever is noise.

## Apply it this week

Run a 30-minute clean-up on the leads your team created last month:

1. Merge duplicates found by email.
2. Fill every missing lead source and campaign you can trace.
3. Move every lead untouched for 14 days to the right stage, with a reason.

The module targets **qualified leads**: with sources and stages fixed, compare the count
of qualified leads attributed to your campaigns this month with last month.
""",
    ),
    "lead-qualification": Lesson(
        "Qualify leads with BANT or CHAMP, disqualify early and politely, and pass only "
        "leads sales can act on.",
        """\
## What a qualified lead is

A qualified lead is not someone who downloaded a white paper. It is a contact who:

1. **Fits** the ideal customer profile (industry, size, region, use case),
2. Shows **intent** (asked for a demo, compared prices, replied to outreach), and
3. Has a **reason to act soon**.

Marketing and sales must sign the **same written definition**, with examples of leads that
pass and leads that do not. Without it, marketing counts leads that sales ignores, and both
teams blame the other. Review the definition each quarter against the leads that actually
became customers.

## BANT and CHAMP

Two checklists cover what to find out:

| BANT | CHAMP |
|---|---|
| **B**udget: can they pay? | **CH**allenges: what problem hurts? |
| **A**uthority: who decides? | **A**uthority: who decides? |
| **N**eed: what problem? | **M**oney: is there budget? |
| **T**imeline: when? | **P**rioritisation: how urgent versus other projects? |

**BANT** suits transactional sales with known budgets. **CHAMP** starts from the
customer's challenge and suits consultative sales, where budget is often created once the
problem is clear. Ask in conversation, not as an interrogation: *"What made you look at
this now?"* covers need and timeline at once.

## Disqualify early, and kindly

Disqualifying is as valuable as qualifying: every hour spent on a lead that will never buy
is an hour taken from one that will.

Disqualify when:

- the company is outside the profile (too small, wrong region) and no exception applies;
- there is **no problem** your offer solves;
- nobody with authority will ever be involved.

Say it honestly: *"From what you describe, we are probably not the right fit today."*
Record the **reason** in the CRM and move the contact to nurturing when the timing, not the
fit, is the issue: they may be ready in six months.

## Apply it this week

Take the last twenty leads you passed to sales or worked yourself. For each, check fit,
intent and timing, and mark which BANT or CHAMP items you actually knew. Disqualify the
ones that fail, with a reason, and find the missing items for the others on your next calls.

The module targets **qualified leads**: count how many of your leads sales accepts over the
next month, against last month's acceptance rate.
""",
    ),
    "email-nurturing": Lesson(
        "Build behaviour-triggered email journeys that move contacts towards a sales "
        "conversation and hand them over at the right moment.",
        """\
## Nurturing is not a newsletter

A newsletter goes to everyone on a date. A nurturing journey goes to **one segment**, starts
when a contact **does something**, and has **one destination**: a conversation with sales
or a purchase.

Typical journeys:

- **After a content download**: three emails that go deeper on the same problem.
- **After a demo request with no booking**: a reminder and a short customer case.
- **After a trial starts**: one useful tip per key feature, in the order people need them.

Each journey has an **entry trigger**, a **goal** and **exit rules**: a contact who books a
call leaves the journey at once.

## Triggers and segments

Behaviour says more than job title. Good triggers:

- visited the **pricing page** twice in a week;
- downloaded two pieces on the same topic;
- opened a trial but did not invite a colleague within three days;
- replied to an email with a question.

Segment by the **problem** the contact showed interest in, not only by industry. A contact
interested in reducing cost per lead should not receive the SEO series. Suppress customers,
open opportunities and anyone who unsubscribed from the topic.

## One email, one job

Every email in the journey does **one thing**:

- **Subject line**: specific and honest, under about 50 characters: *"3 fields to remove
  from your lead form"* beats *"Our latest news"*.
- **Body**: one idea, short paragraphs, readable on a phone.
- **One call to action**, as a button and a link.
- Sent by a **person**, with a real reply-to address.

Space emails **two to four days** apart, and test one element at a time (subject or call to
action), judged on clicks and replies rather than opens.

## Score and hand over

Lead scoring decides when nurturing ends and sales begins. Add points for **fit** (right
size, right role) and for **intent** (pricing visits, demo page, replies); remove points for
inactivity over time. When a contact passes the agreed threshold, create a task for sales
with the **history**: which emails they clicked and which pages they read.

Check monthly how many handed-over contacts sales accepted. If few, raise the threshold or
reweight intent signals.

## Apply it this week

Pick your highest-volume download and write a three-email journey for it: trigger, segment,
the one job of each email, exit rules and the score threshold for handover. Ask a sales
colleague to check the threshold, then launch the journey for new downloads only.

The module targets **qualified leads**: count how many contacts from this journey sales
accepts in the next 30 days, against the same download's previous month.
""",
    ),
    "customer-empathy": Lesson(
        "Listen to customers so they feel understood: reformulate the problem, name the "
        "feeling and choose words that calm rather than inflame.",
        """\
## Empathy is a skill, not a mood

Empathy on a call is not feeling sorry for the customer. It is **showing** them that you
understand both their problem and how it affects them, and then acting on it.

Customers rate an interaction on two things: **was my problem solved** and **how was I
treated**. Even when the answer is no, customers who felt understood give markedly higher
satisfaction scores than those who got the same answer from someone who sounded rushed.

Like any skill, it is built from specific behaviours you can practise: listening without
interrupting, reformulating, naming the feeling and choosing your words.

## Listen to understand

Let the customer **finish their first explanation without interrupting**, even if you know
the answer after ten seconds. Interrupting tells them their story does not matter.

While they talk, note two things separately:

- **Facts**: order number, what happened, when, what they already tried.
- **Feelings**: frustration, worry, embarrassment, anger, and what causes them.

Use short signals that you are there ("I see", "right"), and ask open questions only
when they stop: *"What happened next?"*, *"What would a good outcome look like for you?"*

## Reformulate and name the feeling

Before solving, play the problem back in your words, then name the feeling:

> *"So your order was due Tuesday for your daughter's birthday, it still hasn't arrived, and
> the tracking page says nothing. That's really stressful, especially with the party on
> Saturday."*

A good reformulation is **specific** (uses their details), **short**, and ends by checking:
*"Have I got that right?"* Avoid the reflex *"I understand your frustration"*: without
details it sounds scripted. Then move to action: what you will do and when.

## Words that help, words that hurt

| Instead of | Say |
|---|---|
| "That's our policy." | "Here is what I can do." |
| "You should have…" | "Next time, the fastest way is…" |
| "Calm down." | "I can see this has been really frustrating." |
| "I don't know." | "Let me find out; I'll call you back by 3 pm." |
| "No problem." | "Happy to help." |

Speak about what **you can do**, take ownership with "I", and give a time for every promise.

## Apply it this week

On five calls this week, practise one behaviour: reformulate the problem with the
customer's own details and name the feeling before offering a solution. After each call,
write one line on what the customer said next: did they calm down, add information or
repeat the complaint? Share one example that worked with your team lead.

The module targets **customer satisfaction**: compare your CSAT scores on this week's
tickets with your average over the last month.
""",
    ),
    "complaint-handling-micro": Lesson(
        "Turn a complaint into a kept customer: thank, own, fix with a realistic promise and "
        "close the loop.",
        """\
## The first minute

A complaint is a customer giving you a chance to fix things before they leave. The first
minute sets the tone:

1. **Thank** them for raising it: *"Thank you for telling us."*
2. **Apologise for the experience**, sincerely and specifically: *"I'm sorry your delivery
   was late twice this month."* This is not admitting legal fault.
3. **Own it**: *"I'll handle this myself."* Never send the customer to another team without
   a name and a handover.

Avoid defending the company or explaining internal causes at this stage; the customer
wants to know you are on their side.

## Fix it with a promise you can keep

Find out what the customer needs: a replacement, a refund, an explanation, or simply to be
heard. Ask: *"What would put this right for you?"*

Then promise **only what you control**, with a time:

- "I've issued the refund; you'll see it within five working days."
- "I've asked the warehouse; I'll call you tomorrow before noon with an answer."

A small promise kept beats a big promise broken. If you cannot give what they ask, say so,
and offer the best alternative you can.

## Close the loop

A complaint is closed when the **customer confirms** it is solved, not when the ticket is.

- Call or write to **check the fix worked**.
- Thank them again.
- Log the **root cause** (late carrier, wrong item, unclear invoice) with a category, so
  recurring causes reach the team that can remove them.

One root cause fixed prevents dozens of future complaints.

## Apply it this week

On every complaint you handle this week, use the three first-minute moves, give a time with
every promise, and confirm the fix with the customer before closing. Log the root cause of
each in a category.

The module targets **customer satisfaction**: compare the CSAT of these tickets with your
average, and share the most frequent root cause with your team lead.
""",
    ),
    "brand-voice": Lesson(
        "Write in the brand's voice on every channel: three traits that stay constant, a "
        "tone that adapts to the moment.",
        """\
## Voice and tone

**Voice** is the brand's personality: it stays the same everywhere, like a person's
character. **Tone** is how that personality adapts to the situation, as you speak
differently at a celebration and at a hospital bedside without becoming someone else.

A consistent voice makes the brand recognisable before readers see the logo and builds
trust over time. A voice guide is not a list of forbidden words; it is a set of traits with
examples, so anyone writing (marketing, sales, support, product) sounds like the same
company.

## Our three traits

| Trait | We are | We are not | Example |
|---|---|---|---|
| **Clear** | plain, short sentences | vague, jargon-heavy | "Export your report in one click." |
| **Warm** | human, helpful | overfamiliar, jokey at all costs | "Good question: here's how." |
| **Confident** | direct, backed by facts | arrogant, hype | "Teams save two hours a week." |

Check each draft against the three traits. *"Leverage our best-in-class synergistic
platform"* fails all of them.

## Adapt the tone to the moment

The same traits sound different by channel and situation:

- **Product launch on social**: more energy, short lines, one emoji at most if the channel
  uses them.
- **Help article**: neutral, step by step, no marketing claims.
- **Apology after an outage**: serious and direct; say what happened, what you fixed and
  what you will do. No jokes, no exclamation marks.
- **Sales email**: personal, specific to the reader's situation.

Ask before publishing: *how will the reader feel when they read this, and does our tone fit
that feeling?*

## Apply it this week

Take three pieces you published recently on different channels and score each against the
three traits. Rewrite the weakest one, and add the before and after to the team's shared
examples page so others can learn from it.

The module lists **social engagement** among its KPIs: note engagement on your next posts,
keeping in mind that voice consistency builds trust slowly and may not show within a month.
""",
    ),
    "analytics-dashboards": Lesson(
        "Build marketing dashboards that drive decisions: a few well-defined KPIs, readable "
        "comparisons and charts that do not mislead.",
        """\
## Start from decisions, not data

A dashboard is useful when someone **decides something** after reading it. Before choosing
a chart, list the decisions and who makes them:

- *Weekly*: the paid team shifts budget between campaigns.
- *Monthly*: the content lead picks next month's topics.
- *Quarterly*: the marketing director rebalances channels.

For each decision, write the question the dashboard must answer (*"Which campaigns
delivered qualified leads under target cost?"*). A metric that answers none of them belongs
in an ad-hoc analysis, not on the dashboard.

## Few KPIs, clearly defined

Put **five to seven KPIs** on a dashboard, not fifty. Mix:

- **Lagging** indicators, the results: qualified leads, revenue influenced, cost per lead.
- **Leading** indicators that predict them: organic impressions, demo requests, email replies.

Write a **definition** for each: formula, source, filters, time zone, refresh time.
*"Qualified lead = CRM lead with stage SQL or later, created in the period, any source."*
Two people reading the same number must mean the same thing. Avoid **vanity metrics**
(followers, total page views) unless a decision depends on them.

## Design for reading

Readers look at the top left first and give a dashboard about ten seconds:

- Put the **most important KPI top left**, with its comparison: versus target, versus the
  same period last year.
- Use **lines for trends**, **bars for comparisons**, a single number for status.
  Avoid pie charts with more than three slices and any 3D.
- **Annotate** events on trend charts: campaign launch, site migration, price change.
- Use colour only for meaning: red for below target, not for decoration.

## Charts that do not mislead

Common traps:

- A **truncated y-axis** makes a 2 % change look like a doubling; start bars at zero.
- **Averages** hide distributions: a mean time to first response of 4 h may hide half the
  tickets waiting a day. Show the median or a distribution.
- **Incomplete periods**: the current month always looks low; mark it as partial.
- **Attribution**: last-click reports undervalue content and social. State the model used.
- **Sampling** in analytics tools on large date ranges: check for the warning.

## Apply it this week

Take the dashboard your team uses most and list, for each chart, the decision it supports.
Remove or move the charts with no decision, write definitions for the remaining KPIs, and
annotate the last three major events on the trend charts.

The module lists **web traffic** among its KPIs: add its trend with last year's comparison,
and watch whether the team's decisions change, since a dashboard alone does not move it.
""",
    ),
    "video-content-micro": Lesson(
        "Make short vertical videos that hook in the first two seconds, work without sound "
        "and end with one clear action.",
        """\
## Hook in the first two seconds

On short-video feeds, viewers decide to stay or scroll almost instantly. Start with the
**payoff or the problem**, never with a logo or an introduction.

Hooks that work:

- **A result**: "This form change doubled our sign-ups."
- **A problem viewers have**: "Your landing page loses half its visitors here."
- **A surprising visual**: the before and after, side by side.
- **A direct question**: "Still writing meta descriptions by hand?"

Write three hooks for every video and film the strongest. The first frame also serves as
the thumbnail, so make it readable on its own.

## Design for sound off and vertical

Most people watch in feeds with the sound off, on a phone held upright.

- Film **vertical (9:16)**; keep text away from the edges where buttons overlay it.
- Add **captions** burned in or generated, checked for errors.
- Show, do not tell: the screen, the product, the hands doing the task.
- Cut every pause; change the shot or the framing every two to four seconds.
- Light from the front; a window is enough. Clear audio matters more than a good camera.

## One idea, then one action

Short videos work best at **15 to 45 seconds**, with **one idea** each:

1. **Hook** (0–2 s)
2. **One tip or story**, shown step by step
3. **Result**, on screen
4. **One call to action**: "Follow for part 2", "Comment with your question", "Full guide
   via the link in bio"

Turn a long video or article into a series of short ones rather than squeezing everything
into one.

## Apply it this week

Take your team's best-performing blog post and film three 30-second vertical videos from
it, each with a different hook and captions. Publish them on the same channel over one week
at the same time of day.

The module targets **social engagement**: compare the videos' comments, shares and watch
time with your average post, and keep the hook style that wins.
""",
    ),
}

REVISIONS = {
    "seo-fundamentals": Revision(
        "Added a step on internal links, with a worked example from the guides section",
        """\
## Internal links that pass relevance

Links between your own pages tell search engines which pages matter and what they are
about, and give readers the next step.

- Link from pages that **already rank** to pages that need a push, using **descriptive
  anchor text**: *"customer lifetime value formula"*, not *"click here"*.
- Link every cluster article to its **pillar page**, and the pillar to each article.
- Keep important pages **within three clicks** of the home page.
- Fix links that go through redirects or to deleted pages.

> **Example.** Our guide *"Cost per lead benchmarks"* ranked on page two. We added links to
> it from four related guides with the anchor "cost per lead benchmarks". Within six weeks
> it reached the first page.
""",
    ),
    "lead-qualification": Revision(
        "Added a step on handing leads over to sales with structured notes",
        """\
## Hand over to sales with notes

A qualified lead passed without context makes the seller start from zero, and the prospect
repeats everything, which hurts the first call.

Hand over with a **short structured note** in the CRM:

- **Who**: name, role, and who else is involved in the decision.
- **Problem** in the prospect's words, and what triggered the search now.
- **What you know** of budget, authority and timeline, and what is still missing.
- **Next step agreed**: *"Demo booked Thursday 10:00 with Karim and his sales director."*

> **Example.** *"Camille Martin, head of marketing, 40-person agency. Cost per lead up 30 %
> since January; board review in March. Budget exists, approved by the CEO. Missing: the
> current tool's contract end date."*

Sales accepts or returns the lead **within two working days**, with a reason.
""",
    ),
}
