/** English texts. Every locale file has exactly these keys and `{placeholders}` (checked by a test). */
export const en = {
  thinking: "…thinking",
  "error.rate_limited": "I'm getting too many requests right now. Please try again in a minute.",
  "error.quota_exhausted": "The AI service's quota or credit is used up. Please tell the bot's operator.",
  "error.misconfigured":
    "The bot is not set up correctly (API key or model). Please tell the bot's operator.",
  "error.timed_out": "The AI service took too long to answer. Please try again.",
  "error.too_long": "That question is too long for me. Please shorten it.",
  "error.unavailable": "The AI service is unavailable right now. Please try again shortly.",
  "error.empty_question": "Ask me something after the mention, e.g. “@bot how do I reset my password?”",
  "error.internal": "Something went wrong on my side. Please try again.",
  "note.interrupted": "_(The answer was cut off by a connection problem.)_",
  "note.truncated_question": "[… question shortened to fit …]",
  "note.unsupported_attachment": "I can only read text; attachments were ignored.",
  "reset.done": "Done: this conversation is cleared. Your next message starts a new one.",
  "usage.summary":
    "Your usage in this conversation: {threadTokens} tokens. Yours in total: {userTokens} tokens over {userRequests} questions ({cachedAnswers} answered from cache).",
  "help.text":
    "I answer questions with the model {model}.\n• Mention me, reply to my answers, or write in a thread where I answered; in a DM just write.\n• {commands}\nEach thread keeps its own conversation; use reset to start over.",
  "help.commands": "Commands: {ask} <question>, {reset} (forget this conversation), {usage}, {help}.",
};

export type MessageKey = keyof typeof en;
