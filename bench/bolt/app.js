// What a team would write instead of CondoBot's front door: Bolt's HTTP receiver, a /condo command that acks an
// ephemeral reply at once. It verifies the same v0 signatures (Bolt's own check) on the same payloads.
const { App, LogLevel } = require('@slack/bolt');

const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  // Fixed credentials instead of `token`: a token makes Bolt call auth.test (on Slack's servers) before the first
  // event, and the bench never lets it reach Slack.
  authorize: async () => ({ botToken: 'xoxb-bench-not-used', botId: 'B0BENCH', botUserId: 'U0BENCHBOT' }),
  logLevel: LogLevel[process.env.BOLT_LOG || "ERROR"],
});

app.command('/condo', async ({ command, ack }) => {
  await ack({ response_type: 'ephemeral', text: `You said: ${command.text}` });
});

(async () => {
  await app.start({ port: Number(process.env.PORT), host: '127.0.0.1' });
  console.log('bolt listening');
})();
