/** English texts. Every locale file has exactly these keys and `{placeholders}` (checked by a test). */
export const en = {
  thinking: "…thinking",
  thinking_for: "…thinking ({seconds} s)",
  "error.rate_limited": "I'm getting too many requests right now. Please try again in a minute.",
  "error.quota_exhausted": "The AI service's quota or credit is used up. Please tell the bot's operator.",
  "error.misconfigured":
    "The bot is not set up correctly (API key or model). Please tell the bot's operator.",
  "error.timed_out": "The AI service took too long to answer. Please try again.",
  "error.too_long": "That question is too long for me. Please shorten it.",
  "error.unavailable": "The AI service is unavailable right now. Please try again shortly.",
  "error.empty_question": "Ask me something after the mention, e.g. “@bot how do I reset my password?”",
  "error.internal": "Something went wrong on my side. Please try again.",
  "error.bad_request": "The AI service refused this request. Please rephrase or shorten it and try again.",
  "error.content_filtered":
    "The AI provider's content filter blocked this request. Please rephrase your question.",
  "error.provider_quota": "The AI provider's usage quota is used up for now. Please try again later.",
  "error.access_denied": "Sorry, you can't use this bot here.",
  "error.dms_disabled": "Direct messages are turned off for this bot. Please ask in a channel.",
  "error.user_budget": "You've used your token budget for today. It resets in {resetIn} (midnight UTC).",
  "error.workspace_budget":
    "This workspace has used its token budget for today. It resets in {resetIn} (midnight UTC).",
  "error.slow_down": "You're asking faster than I'm allowed to answer. Please wait a minute and try again.",
  "error.not_admin": "Only admins can use this command.",
  "budget.warning":
    "Token budget warning: this workspace has used {percent}% of its daily budget ({used} of {budget} tokens).",
  "note.interrupted": "_(The answer was cut off by a connection problem.)_",
  "note.forwarded": "[Forwarded message]",
  "note.answer_capped": "_(The answer was cut here: the model kept writing far past the configured length.)_",
  "note.truncated_question": "[… question shortened to fit …]",
  "note.unsupported_attachment": "I can only read text; attachments were ignored.",
  "reset.done": "Done: this conversation is cleared. Your next message starts a new one.",
  "usage.summary":
    "This conversation: {threadTokens} tokens.\nYou today: {userDayTokens} tokens (~{userDayCost}); this month: {userMonthTokens} tokens (~{userMonthCost}); {cachedAnswers} answers from cache saved {savedTokens} tokens.",
  "usage.workspace":
    "This workspace today: {workspaceDayTokens} tokens (~{workspaceDayCost}); this month: {workspaceMonthTokens} tokens (~{workspaceMonthCost}).",
  "usage.remaining": "Remaining today: you {userRemaining}, workspace {workspaceRemaining}.",
  "usage.unlimited": "no limit",
  "usage.top": "Top users today: {users}\nTop channels today: {channels}",
  "usage.none": "none yet",
  "usage.api_keys": "API keys today (by fingerprint): {keys}",
  "usage.api_key": "{fingerprint}: {requests} requests, {tokens} tokens",
  "help.text":
    "I answer questions with the model {model}.\n• Mention me, reply to my answers, or write in a thread where I answered; in a DM just write.\n• {commands}\nEach thread keeps its own conversation; use reset to start over.",
  "help.commands": "Commands: {ask} <question>, {reset} (forget this conversation), {usage}, {help}.",
  "help.admin":
    "Admin: {config} system-prompt show|set|reset, model, temperature (for this channel or the whole workspace).",
  "help.settings": "Here: model {model}, temperature {temperature}, system prompt {promptSource}.",
  "help.prompt_default": "default",
  "help.prompt_custom": "customized",
  "config.show": "Settings for {scope}: system prompt: {prompt}; model: {model}; temperature: {temperature}.",
  "config.updated": "Updated {setting} for {scope}. It applies from the next question.",
  "config.cleared": "Reset {setting} for {scope} to the default.",
  "config.invalid": "That value is not valid for {setting}.",
  "config.scope_channel": "this channel",
  "config.scope_workspace": "the whole workspace",
  "config.unset": "default",
};

export type MessageKey = keyof typeof en;
