// Standard picklist values as a new Salesforce org ships them.
export const PICKLISTS = {
  LeadSource: ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"],
  LeadStatus: ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"],
  Industry: [
    "Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications", "Construction",
    "Consulting", "Education", "Electronics", "Energy", "Engineering", "Entertainment", "Environmental",
    "Finance", "Food & Beverage", "Government", "Healthcare", "Hospitality", "Insurance", "Machinery",
    "Manufacturing", "Media", "Not For Profit", "Recreation", "Retail", "Shipping", "Technology",
    "Telecommunications", "Transportation", "Utilities", "Other",
  ],
  StageName: [
    "Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
    "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost",
  ],
  Role: [
    "Business User", "Decision Maker", "Economic Buyer", "Economic Decision Maker", "Evaluator",
    "Executive Sponsor", "Influencer", "Technical Buyer", "Other",
  ],
} as const;
