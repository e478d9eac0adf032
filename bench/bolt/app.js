// What a team would write instead of CondoBot's front door: Bolt's HTTP receiver, a /condo command that acks an
// ephemeral reply at once. It verifies the same v0 signatures (Bolt's own check) on the same payloads.
const { App, LogLevel } = require('@slack/bolt');

const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  token: 'xoxb-bench-not-used',
  // No auth.test call at start-up: the bench never lets Bolt reach Slack.
  tokenVerificationEnabled: false,
  logLevel: LogLevel.ERROR,
});

app.command('/condo', async ({ command, ack }) => {
  await ack({ response_type: 'ephemeral', text: `You said: ${command.text}` });
});

(async () => {
  await app.start({ port: Number(process.env.PORT), host: '127.0.0.1' });
  console.log('bolt listening');
})();
