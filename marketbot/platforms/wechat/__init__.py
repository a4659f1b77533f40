"""WeChat Official Accounts (公众号): the callback on the shared web app, the API client, the
sender and the links of a 订阅号 or 服务号."""
