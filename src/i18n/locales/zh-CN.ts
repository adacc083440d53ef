import type { MessageKey } from "./en.ts";

export const zhCN: Record<MessageKey, string> = {
  thinking: "…思考中",
  "error.rate_limited": "当前请求过多，请一分钟后再试。",
  "error.quota_exhausted": "AI 服务的额度或余额已用完，请联系机器人管理员。",
  "error.misconfigured": "机器人配置有误（API 密钥或模型），请联系机器人管理员。",
  "error.timed_out": "AI 服务响应超时，请重试。",
  "error.too_long": "问题太长了，请精简后再问。",
  "error.unavailable": "AI 服务暂时不可用，请稍后再试。",
  "error.empty_question": "请在提及我之后写下问题，例如“@bot 如何重置密码？”",
  "error.internal": "我这边出了点问题，请重试。",
  "note.interrupted": "_（连接出现问题，回答被中断。）_",
  "note.truncated_question": "[…问题过长，已截断…]",
  "note.unsupported_attachment": "我只能阅读文字，附件已被忽略。",
  "reset.done": "好的，本对话已清空。下一条消息将开始新的对话。",
  "usage.summary":
    "本对话用量：{threadTokens} 个 token。你的总用量：{userTokens} 个 token，共 {userRequests} 个问题（其中 {cachedAnswers} 个来自缓存）。",
  "help.text":
    "我使用模型 {model} 回答问题。\n• 提及我、回复我的回答，或在我回答过的话题中发言；私信直接发送即可。\n• {commands}\n每个话题有独立的对话，使用 reset 重新开始。",
  "help.commands": "命令：{ask} <问题>、{reset}（清空本对话）、{usage}、{help}。",
};
