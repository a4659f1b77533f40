"""Strings of the core flows: start and menus, browsing, vendors, secretaries, errors."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # commands (menu descriptions: plain text, no markup)
    "cmd.start": ("集市首页", "Market home"),
    "cmd.help": ("怎么用", "How to use the bot"),
    "cmd.cancel": ("取消当前操作", "Cancel what you are doing"),
    "cmd.lang": ("切换语言", "Change language"),
    "cmd.search": ("找东西，例如 /search 木耳", "Find goods, e.g. /search honey"),
    "cmd.register": ("我要摆摊（登记摊位）", "Register your stall"),
    "cmd.add": ("上架一件商品", "List a product"),
    "cmd.mystall": ("我的摊位", "My stall"),
    # other words people type for a command, "|" between them (handlers/typed_commands.py)
    "cmd.mystall.also": (
        "我的摊|我的东西|我的商品|我的货|我的产品|我卖的东西|我卖的|我的店",
        "my goods|my products|my listings|my things|my shop",
    ),
    "cmd.pending": ("书记：待审核的摊主", "Secretary: vendors awaiting approval"),
    "cmd.promote": ("书记：任命新书记", "Secretary: make someone a secretary"),
    # market and menus
    "market.card": (
        "🏮 <b>{name}</b>\n📍 {place}\n🕗 开市时间 {opens}–{closes}",
        "🏮 <b>{name}</b>\n📍 {place}\n🕗 Open {opens}–{closes}",
    ),
    "market.next_day": ("📅 下次赶集：{day}", "📅 Next market day: {day}"),
    "market.today": ("📅 今天就是集日！", "📅 Today is a market day!"),
    "market.today_and_next": (
        "📅 今天就是集日！再下次：{day}",
        "📅 Today is a market day! The one after: {day}",
    ),
    "entry.missing": (
        "这个二维码或链接对应的集市或摊位找不到了（可能已经删除）。下面是本集市的首页。",
        "The market or stall of that code or link could not be found (it may have been "
        "removed). Here is this market's home page instead.",
    ),
    "market.none": (
        "还没有设置集市。请联系村书记。",
        "No market has been set up yet. Please contact the village secretary.",
    ),
    "start.welcome": ("您好！欢迎来赶集 👋", "Hello! Welcome to the market 👋"),
    "start.welcome_named": (
        "{name}，您好！欢迎来赶集 👋",
        "Hello {name}! Welcome to the market 👋",
    ),
    "menu.prompt": (
        "想做什么？点下面的按钮，或者直接打字找东西（比如：木耳）。",
        "What would you like to do? Tap a button, or just type what you are "
        "looking for (e.g. honey).",
    ),
    "menu.categories": ("📂 按分类看", "📂 By category"),
    "menu.stalls": ("🏪 看摊位", "🏪 Stalls"),
    "menu.search": ("🔍 找东西", "🔍 Search"),
    "menu.become_vendor": ("🧺 我要摆摊", "🧺 Become a vendor"),
    "menu.my_stall": ("🧺 我的摊位", "🧺 My stall"),
    "menu.secretary": ("📋 书记管理", "📋 Secretary tools"),
    "menu.language": ("🌐 中文 / English", "🌐 中文 / English"),
    # categories
    "cat.shanzhen": ("山珍", "Mountain goods"),
    "cat.yaocai": ("药材", "Herbs"),
    "cat.liangyou": ("粮油", "Grain & oil"),
    "cat.tiaowei": ("调味", "Seasonings"),
    "cat.ganguo": ("干果", "Nuts & dried fruit"),
    "cat.fengchanpin": ("蜂产品", "Honey"),
    "cat.xiaochi": ("小吃", "Snacks"),
    "cat.shougongyi": ("手工艺", "Handicrafts"),
    "cat.guoshu": ("果蔬", "Fruit & vegetables"),
    "cat.qindanrou": ("禽蛋肉", "Eggs & meat"),
    "cat.yinpin": ("饮品", "Drinks"),
    "cat.qita": ("其他", "Other"),
    "cat.with_count": ("{name}（{count}）", "{name} ({count})"),
    # A market's own categories, managed by its secretary (handlers/categories.py).
    "cmd.categories": ("书记：管理商品分类", "Secretary: product categories"),
    "flow.categories": ("修改商品分类", "changing categories"),
    "catm.btn": ("📂 商品分类", "📂 Categories"),
    "catm.list": (
        "<b>{market}</b> 的商品分类\n固定的：{fixed}\n本集市添加的：{added}\n\n"
        "摊主上架时可以选这些分类；顾客搜分类名就能找到这类商品。",
        "Product categories of <b>{market}</b>\nFixed: {fixed}\nAdded here: {added}\n\n"
        "Vendors pick one when they list a product; visitors find its goods by its name.",
    ),
    "catm.none_added": ("还没有", "none yet"),
    "catm.added_item": ("{name}（{count} 件）", "{name} ({count})"),
    "catm.btn.add": ("➕ 添加分类", "➕ Add a category"),
    "catm.ask_name": (
        "新分类叫什么？请输入中文名，最多 {limit} 个字（例如：手工醋、文创）。",
        "What is the new category called? Its Chinese name, at most {limit} characters "
        "(e.g. 手工醋, 文创).",
    ),
    "catm.ask_rename": (
        "“{name}”改叫什么？请输入新的中文名，最多 {limit} 个字。",
        "What should “{name}” be called? The new Chinese name, at most {limit} characters.",
    ),
    "catm.ask_english": (
        "“{name}”的英文名是什么？最多 {limit} 个字符（例如 Craft vinegar）。"
        "没有就点“跳过”，英文界面会显示中文名。",
        "The English name of “{name}”? At most {limit} characters (e.g. Craft vinegar). "
        "Skip if there is none: English screens then show the Chinese name.",
    ),
    "catm.full": (
        "每个集市最多添加 {limit} 个分类。请先删掉不用的分类。",
        "A market can add at most {limit} categories. Please remove one that is not used first.",
    ),
    "catm.taken": (
        "已经有分类叫“{name}”了，请换一个名字。",
        "There is already a category called “{name}”; please pick another name.",
    ),
    "catm.added": (
        "已添加分类“{name}”。摊主上架时可以选它，顾客搜“{name}”就能找到这类商品。",
        "Category “{name}” added. Vendors can pick it when listing; visitors searching "
        "“{name}” find its goods.",
    ),
    "catm.renamed": ("分类已改名为“{name}”。", "The category is now called “{name}”."),
    "catm.view": (
        "<b>{name}</b>\n英文名：{english}\n商品：{count} 件",
        "<b>{name}</b>\nEnglish name: {english}\nProducts: {count}",
    ),
    "catm.no_english": ("（没有，显示中文名）", "(none: the Chinese name is shown)"),
    "catm.btn.rename": ("✏️ 改名", "✏️ Rename"),
    "catm.btn.remove": ("🗑 删除", "🗑 Remove"),
    "catm.btn.confirm_remove": ("确定删除", "Yes, remove it"),
    "catm.confirm_remove": (
        "删除分类“{name}”？它的 {count} 件商品会移到“{other}”，摊主以后可以再改。",
        "Remove the category “{name}”? Its {count} products move to “{other}”; vendors can "
        "change that later.",
    ),
    "catm.moved_notice": (
        "村书记撤掉了“{name}”这个分类，您的 {count} 件商品现在放在“{other}”里，游客照样能搜到。"
        "想换个分类：我的摊位 → 点商品 → 📂 换分类。",
        "The secretary removed the category “{name}”; your {count} product(s) are now under "
        "“{other}” and can still be found. To choose another: My stall → the product → "
        "📂 Change category.",
    ),
    "catm.removed": (
        "已删除分类“{name}”，{count} 件商品移到了“{other}”。",
        "Category “{name}” removed; {count} products moved to “{other}”.",
    ),
    # browsing
    "browse.categories": ("选一个分类：", "Pick a category:"),
    "browse.empty": ("现在还没有商品上架。", "Nothing is listed yet."),
    "browse.category": ("<b>{name}</b>：共 {count} 件", "<b>{name}</b>: {count} items"),
    "browse.category_empty": ("“{name}”里现在没有商品。", "Nothing in “{name}” right now."),
    "browse.stalls": ("<b>摊位</b>（共 {count} 家）", "<b>Stalls</b> ({count})"),
    "browse.stall_line": ("• {name} — {vendor}，{village}", "• {name} — {vendor}, {village}"),
    "browse.no_stalls": ("还没有摊位。", "There are no stalls yet."),
    # stall and product cards
    "stall.header": (
        "🧺 <b>{name}</b>\n摊主：{vendor}（{village}）",
        "🧺 <b>{name}</b>\nVendor: {vendor} ({village})",
    ),
    "stall.products": ("在卖（{count} 件）：", "On sale ({count}):"),
    "stall.sold_out_count": ("，卖完了 {count} 件：", ", sold out {count}:"),
    "stall.no_products": ("这个摊位还没有上架商品。", "This stall has not listed anything yet."),
    "stall.status.pending": (
        "⏳ 等待村书记审核，审核通过前游客看不到。",
        "⏳ Waiting for the secretary's approval; visitors can't see it yet.",
    ),
    "stall.status.rejected": ("❌ 登记没有通过。", "❌ The registration was not approved."),
    "stall.status.suspended": (
        "⏸ 已被村书记暂停，游客看不到。",
        "⏸ Suspended by the secretary; hidden from visitors.",
    ),
    "stall.unavailable": (
        "这个摊位现在看不到了（可能已暂停或不存在）。",
        "This stall is not available (it may be suspended or gone).",
    ),
    "product.line": ("{name}　{price}", "{name}  {price}"),
    "product.sold_out_mark": ("（已售完）", " (sold out)"),
    "product.at_stall": ("　@{stall}", "  @ {stall}"),
    "product.card": (
        "<b>{name}</b>\n💰 {price}\n📂 {category}\n🧺 {stall}（{village}）",
        "<b>{name}</b>\n💰 {price}\n📂 {category}\n🧺 {stall} ({village})",
    ),
    "unit.note.斤": ("1斤 = 500克", "jin = 500 g"),
    "unit.note.两": ("1两 = 50克", "liang = 50 g"),
    "product.sold_out": ("⚠️ 已售完", "⚠️ Sold out"),
    "product.unavailable": ("这件商品现在看不到了。", "This product is no longer available."),
    # buttons
    "btn.menu": ("🏠 首页", "🏠 Home"),
    "btn.back": ("⬅️ 返回", "⬅️ Back"),
    "btn.prev": ("⬅️ 上一页", "⬅️ Previous"),
    "btn.next": ("下一页 ➡️", "Next ➡️"),
    "btn.cancel": ("✖️ 取消", "✖️ Cancel"),
    "btn.skip": ("跳过", "Skip"),
    "btn.submit": ("✅ 提交", "✅ Submit"),
    "btn.save": ("✅ 保存", "✅ Save"),
    "btn.restart": ("🔄 重新填写", "🔄 Start over"),
    "btn.confirm": ("✅ 确定", "✅ Confirm"),
    "btn.see_stall": ("🧺 看这个摊位", "🧺 See the stall"),
    "btn.add_product": ("➕ 上架商品", "➕ List a product"),
    "btn.add_another": ("➕ 再上架一件", "➕ List another"),
    "btn.edit_intro": ("✏️ 改摊位介绍", "✏️ Edit stall intro"),
    "btn.change_price": ("💰 改价格", "💰 Change price"),
    "btn.mark_sold_out": ("🈚 卖完了", "🈚 Sold out"),
    "btn.mark_in_stock": ("🈶 又有货了", "🈶 Back in stock"),
    "btn.rename": ("✏️ 改名称", "✏️ Rename"),
    "btn.edit_description": ("📝 改介绍", "📝 Edit description"),
    "btn.change_photo": ("📷 换照片", "📷 Change photo"),
    "btn.change_category": ("📂 换分类", "📂 Change category"),
    "my.ask_category": ("“{name}”放到哪个分类？", "Which category should “{name}” be in?"),
    "btn.delete": ("🗑 删除", "🗑 Delete"),
    "btn.confirm_delete": ("🗑 删除", "🗑 Yes, delete"),
    "btn.keep": ("不删了", "Keep it"),
    "btn.approve": ("✅ 通过", "✅ Approve"),
    "btn.reject": ("❌ 不通过", "❌ Reject"),
    "btn.suspend": ("⏸ 暂停摊位", "⏸ Suspend"),
    "btn.resume": ("▶️ 恢复摊位", "▶️ Restore"),
    # search
    "search.prompt": (
        "请直接打字说想买什么，比如：木耳、沙棘膏、小米。",
        "Just type what you are looking for, e.g. honey, millet, fungus.",
    ),
    "search.nothing": (
        "没找到“{query}”。可以按分类或摊位逛逛：",
        "Nothing found for “{query}”. Try browsing by category or stall:",
    ),
    "search.head.find": ("“{query}”：", "“{query}”:"),
    "search.head.browse": ("集上有这些：", "On sale here:"),
    "search.head.price": ("“{query}”的价钱：", "Prices for “{query}”:"),
    "search.head.place": ("“{query}”在这些摊位：", "Where to find “{query}”:"),
    "search.head.time": ("“{query}”：", "“{query}”:"),
    "search.offer": ("{price} @{stall}", "{price} at {stall}"),
    "search.more_stalls": ("；还有 {count} 家", "; {count} more stalls"),
    "search.group": (
        "• <b>{name}</b>　{price}，{count} 个摊位有卖",
        "• <b>{name}</b>  {price}, at {count} stalls",
    ),
    "search.market_place": ("📍 {market}在：{place}", "📍 {market} is at: {place}"),
    "search.when": (
        "📅 下次集市：{day}，{opens}–{closes}",
        "📅 Next market: {day}, {opens}–{closes}",
    ),
    "search.when_unknown": (
        "集市日期还没定；开市时间 {opens}–{closes}。",
        "The market days are not set yet; hours {opens}–{closes}.",
    ),
    "search.nothing_wanted": (
        "抱歉，集上现在没有人卖“{wanted}”。您的需求已经记下了，摊主们会知道。可以按分类或摊位逛逛：",
        "Sorry, nobody sells “{wanted}” here right now. We noted that you asked, so vendors know. "
        "Try browsing by category or stall:",
    ),
    "search.too_long": (
        "太长了，请用一两个词说想买什么（{limit}字以内）。",
        "That's long: say what you want in a word or two (up to {limit} characters).",
    ),
    "search.stalls_named": ("您问的是哪个摊位？", "Which stall do you mean?"),
    "search.stalls": ("名字里有“{query}”的摊位：", "Stalls named like “{query}”:"),
    "search.service": (
        "这个我答不上来：付款、讲价、寄快递、吃饭住宿这些，请到集上问摊主或村书记。"
        "想买什么，直接打商品名就行。",
        "I can't answer that one: paying, bargaining, sending goods, food and lodging and the like "
        "are for the vendors or the village secretary to say at the market. To find goods, just "
        "type their name.",
    ),
    "search.thanks": (
        "不客气！还想买点什么，直接打字就行；也可以按分类或摊位逛逛：",
        "You are welcome! Type anything else you would like, or browse:",
    ),
    "search.goodbye": (
        "再见，欢迎下次来赶集！想知道下次集市，发“下次集市”就行。",
        "Goodbye, and come again! Send “next market” to see the next market days.",
    ),
    "search.chitchat": (
        "您好！想买什么，直接打字就行，比如：木耳、沙棘膏。也可以按分类或摊位逛逛：",
        "Hello! Type what you would like to buy, e.g. honey or millet, or browse:",
    ),
    "my.back_in_stock": (
        "好的，“{name}”标成有货了，游客又能看到它在卖。",
        "Done: “{name}” is in stock again; visitors see it for sale.",
    ),
    "search.marked_sold_out": (
        "好的，“{name}”标成已售完了。有货了在“我的摊位”里改回来。",
        "Done: “{name}” is marked sold out. Mark it back in stock in “My stall”.",
    ),
    # registration
    "register.intro_said": (
        "这就帮您登记摊位，随时可以发送 /cancel 取消。",
        "Let's register your stall with that. Send /cancel at any time to stop.",
    ),
    "register.intro": (
        "好的，我们来登记您的摊位，一共几步，随时可以发送 /cancel 取消。\n"
        "也可以一句话说完：我叫王大爷，东泉村的，卖核桃，电话13912345678",
        "Let's register your stall — a few short steps. Send /cancel at any time to stop.\n"
        "Or say it all at once: 我叫王大爷，东泉村的，卖核桃，电话13912345678",
    ),
    "register.ask_stall_name": (
        "1/5 请给摊位起个名字（{limit}字以内），例如：王大爷山货",
        "1/5 What is your stall called? (up to {limit} characters), e.g. Grandpa Wang's "
        "Mountain Goods",
    ),
    "register.name_taken": (
        "“{name}”这个名字已经有人用了，请换一个。",
        "“{name}” is already taken; please choose another name.",
    ),
    "register.ask_vendor_name": (
        "2/5 您怎么称呼？（{limit}字以内）可以点下面的名字，或直接打字。",
        "2/5 What is your name? (up to {limit} characters) Tap your name below or type it.",
    ),
    "register.ask_village": (
        "3/5 您是哪个村的？（例如：水磨头村）",
        "3/5 Which village are you from? (e.g. Shuimotou)",
    ),
    "register.ask_phone": (
        "4/5 留个电话方便游客联系您（可以跳过）。直接输入手机号，或点“分享手机号”。",
        "4/5 A phone number for visitors to reach you (optional). Type it, or tap "
        "“share phone number”.",
    ),
    "register.phone_invalid": (
        "这个号码看着不对。请输入11位手机号（如 13812345678）或座机（如 0354-5123456），"
        "也可以点“跳过”。",
        "That doesn't look like a phone number. Type an 11-digit mobile (e.g. 13812345678) or "
        "a landline (e.g. 0354-5123456), or tap “Skip”.",
    ),
    "register.ask_intro": (
        "5/5 用一两句话介绍一下您的摊位（{limit}字以内，可以跳过），例如：自家山上采的木耳，晒干的。",
        "5/5 Describe your stall in a sentence or two (up to {limit} characters, optional).",
    ),
    "register.no_phone": ("（没留电话）", "(no phone)"),
    "register.preview": (
        "请核对：\n🧺 摊位：<b>{stall}</b>\n👤 摊主：{vendor}\n🏡 村：{village}\n"
        "📞 电话：{phone}\n📝 介绍：{intro}\n\n没问题就点“提交”，村书记审核后就能上架给游客看。",
        "Please check:\n🧺 Stall: <b>{stall}</b>\n👤 Vendor: {vendor}\n🏡 Village: {village}\n"
        "📞 Phone: {phone}\n📝 Intro: {intro}\n\nTap “Submit”; once the secretary approves, "
        "visitors will see your goods.",
    ),
    "register.submitted": (
        "已提交！“{name}”正在等村书记审核，通过后会通知您。现在就可以先上架商品。",
        "Submitted! “{name}” is waiting for the secretary's approval; you'll be told. You can "
        "already list your goods.",
    ),
    "register.already.pending": (
        "您的摊位“{name}”已经登记，正在等审核。",
        "Your stall “{name}” is registered and awaiting approval.",
    ),
    "register.already.approved": (
        "您已经有摊位“{name}”了。",
        "You already have the stall “{name}”.",
    ),
    "register.already.suspended": (
        "您的摊位“{name}”被村书记暂停了，请联系村书记。",
        "Your stall “{name}” is suspended by the secretary; please contact them.",
    ),
    "vendor.no_stall": (
        "您还没有摊位。先登记一个吧：",
        "You don't have a stall yet. Register one:",
    ),
    "vendor.rejected": (
        "您的摊位登记没有通过。可以重新登记：",
        "Your stall registration was not approved. You can register again:",
    ),
    "vendor.suspended": (
        "您的摊位“{name}”被村书记暂停了，暂时不能上架。商品都还在，请联系村书记。",
        "Your stall “{name}” is suspended by the secretary, so you can't list goods now. "
        "Nothing was deleted; please contact the secretary.",
    ),
    "vendor.approved": (
        "🎉 您的摊位“{name}”审核通过了！游客现在能看到您的商品了。",
        "🎉 Your stall “{name}” was approved! Visitors can now see your goods.",
    ),
    "vendor.rejected_with_reason": (
        "很抱歉，您的摊位“{name}”没有通过审核。原因：{reason}\n可以发送 /register 重新登记。",
        "Sorry, your stall “{name}” was not approved. Reason: {reason}\nSend /register to "
        "try again.",
    ),
    "vendor.suspended_notice": (
        "您的摊位“{name}”被村书记暂停了，游客暂时看不到。商品都还在。",
        "Your stall “{name}” was suspended by the secretary and is hidden from visitors. "
        "Nothing was deleted.",
    ),
    "vendor.resumed_notice": (
        "您的摊位“{name}”恢复了，游客又能看到了。",
        "Your stall “{name}” is restored and visible again.",
    ),
    # listing a product
    "add.ask_name": (
        "卖的是什么？请输入商品名称（{limit}字以内），例如：沙棘膏\n"
        "也可以连价格一起发：沙棘膏 35元一瓶；好几件接着写就行：山木耳 45一斤 小麻油 28一瓶。",
        "What are you selling? Type the product name (up to {limit} characters).\n"
        "Or with its price: 沙棘膏 35元一瓶; several one after another: 山木耳 45一斤 小麻油 28一瓶.",
    ),
    "add.name_taken": (
        "您的摊位已经有“{name}”了。换个名字，或在“我的摊位”里修改它。",
        "Your stall already has “{name}”. Choose another name or edit it in “My stall”.",
    ),
    "add.ask_category": ("“{name}”属于哪一类？", "Which category is “{name}”?"),
    "add.ask_price": (
        "“{name}”多少钱？可以这样写：15、15元、12块5、十五块、35元/瓶",
        "How much is “{name}”? For example: 15, 15元, 12.5, 35元/瓶 (35 yuan a bottle)",
    ),
    "add.ask_unit": (
        "按什么卖？点一个单位，或直接打字（比如：串）。",
        "Sold per what? Tap a unit or type one.",
    ),
    "add.unit_invalid": (
        "这个单位看不懂。请点一个按钮，或输入一两个字的单位，比如：斤、瓶、个。",
        "I don't understand that unit. Tap a button or type a short unit such as 斤, 瓶 or 个.",
    ),
    "add.ask_photo": ("发一张商品照片（可以跳过）。", "Send a photo of it (optional)."),
    "add.ask_description": (
        "用一句话介绍一下（{limit}字以内，可以跳过），例如：古法熬制，不加糖。",
        "One line about it (up to {limit} characters, optional).",
    ),
    "add.preview": (
        "请核对：\n<b>{name}</b>\n📂 {category}\n💰 {price}\n📝 {description}\n📷 {photo}",
        "Please check:\n<b>{name}</b>\n📂 {category}\n💰 {price}\n📝 {description}\n📷 {photo}",
    ),
    "add.has_photo": ("有照片", "with photo"),
    "add.field.name": ("✏️ 名称", "✏️ Name"),
    "add.field.category": ("📂 类别", "📂 Category"),
    "add.field.price": ("💰 价格", "💰 Price"),
    "add.field.unit": ("⚖️ 单位", "⚖️ Unit"),
    "add.field.photo": ("📷 照片", "📷 Photo"),
    "add.field.description": ("📝 介绍", "📝 Description"),
    "add.batch_preview": (
        "请核对这 {count} 件商品（类别是猜的，保存后可以在“我的摊位”里改）：",
        "Please check these {count} products (categories are guessed; change them later in "
        "“My stall”):",
    ),
    "add.batch_line": (
        "{number}. <b>{name}</b> {price}（{category}）",
        "{number}. <b>{name}</b> {price} ({category})",
    ),
    "add.save_all": ("✅ 全部保存（{count} 件）", "✅ Save all ({count})"),
    "add.saved_many": ("✅ 已上架 {count} 件：{names}", "✅ {count} listed: {names}"),
    "add.saved_many_pending": (
        "✅ 已保存 {count} 件：{names}。摊位审核通过后游客就能看到。",
        "✅ {count} saved: {names}. Visitors will see them once your stall is approved.",
    ),
    "register.understood": ("好的，记下了：\n{said}", "Noted:\n{said}"),
    "register.said.vendor_name": ("👤 摊主：{value}", "👤 Vendor: {value}"),
    "register.said.village": ("🏡 村：{value}", "🏡 Village: {value}"),
    "register.said.phone": (
        "📞 电话：{value}（游客看不到）",
        "📞 Phone: {value} (visitors don't see it)",
    ),
    "register.said.intro": ("📝 介绍：{value}", "📝 About: {value}"),
    "add.photo_first": (
        "📷 收到照片！这是什么商品？发名称和价格就行，例如：荆条筐 25元一个",
        "📷 Got the photo! What is it? Send its name and price, e.g. 荆条筐 25元一个",
    ),
    "add.photo_first_or_own": (
        "📷 收到照片！这是什么商品？发名称和价格就行，例如：荆条筐 25元一个\n"
        "要给已经在卖的商品换上这张照片，点它的名字：",
        "📷 Got the photo! What is it? Send its name and price, e.g. 荆条筐 25元一个\n"
        "To use it for something you already sell, tap its name:",
    ),
    "add.btn.photo_for": ("📷 {name}", "📷 {name}"),
    "add.photo_set": ("✅ “{name}”换上了新照片。", "✅ “{name}” has its new photo."),
    "add.repriced": (
        "✅ 价格改好了：\n{changes}",
        "✅ Price changed:\n{changes}",
    ),
    "add.repriced_one": ("• {name}：{old} → {new}", "• {name}: {old} → {new}"),
    "add.skipped_taken": (
        "这些您的摊位已经有了，没有重复上架：{names}",
        "Already at your stall, not listed twice: {names}",
    ),
    "add.no_photo": ("没有照片", "no photo"),
    "add.saved": ("✅ “{name}”已上架！", "✅ “{name}” is listed!"),
    "add.saved_pending": (
        "✅ “{name}”已保存。摊位审核通过后游客就能看到。",
        "✅ “{name}” is saved. Visitors will see it once your stall is approved.",
    ),
    # my stall
    "not_yours": (
        "这个按钮已失效，或者这件东西不是您的。什么都没有改动。",
        "That button has expired or that isn't yours. Nothing was changed.",
    ),
    "my.confirm_delete": (
        "确定要删除“{name}”吗？删除后不能恢复。",
        "Delete “{name}”? This cannot be undone.",
    ),
    "my.deleted": ("已删除“{name}”。", "“{name}” was deleted."),
    "my.updated": ("✅ 已修改。", "✅ Updated."),
    "my.ask_price": (
        "“{name}”现在是 {price}。新价格是多少？（例如：15、12块5、35元/瓶）",
        "“{name}” is now {price}. What is the new price? (e.g. 15, 12.5, 35元/瓶)",
    ),
    "my.ask_name": (
        "“{name}”要改成什么名字？（{limit}字以内）",
        "New name for “{name}”? (up to {limit} characters)",
    ),
    "my.ask_description": (
        "请输入“{name}”的新介绍（一句话）。点“跳过”会清空介绍。",
        "Type a new one-line description for “{name}”. “Skip” clears it.",
    ),
    "my.ask_photo": ("请发一张“{name}”的新照片。", "Send a new photo of “{name}”."),
    "my.ask_intro": (
        "请输入新的摊位介绍（{limit}字以内）。",
        "Type the new stall intro (up to {limit} characters).",
    ),
    "stinfo.btn.open": ("🪪 摊位信息", "🪪 Stall details"),
    "stinfo.btn.name": ("✏️ 改摊位名称", "✏️ Stall name"),
    "stinfo.btn.village": ("🏡 改村名", "🏡 Village"),
    "stinfo.btn.phone": ("📞 改电话", "📞 Phone"),
    "stinfo.btn.no_phone": ("不留电话", "No phone"),
    "stinfo.btn.show_phone": ("👁 让游客看到电话：关 → 开", "👁 Show visitors my phone: off → on"),
    "stinfo.btn.hide_phone": ("🙈 让游客看到电话：开 → 关", "🙈 Show visitors my phone: on → off"),
    "stinfo.card": (
        "🪪 摊位信息\n🧺 摊位：<b>{stall}</b>\n👤 摊主：{vendor}\n🏡 村：{village}\n"
        "📞 电话：{phone}{consent}\n📝 介绍：{intro}",
        "🪪 Stall details\n🧺 Stall: <b>{stall}</b>\n👤 Vendor: {vendor}\n🏡 Village: {village}\n"
        "📞 Phone: {phone}{consent}\n📝 Intro: {intro}",
    ),
    "stinfo.phone_shown": ("（游客看得到）", " (visitors see it)"),
    "stinfo.phone_hidden": ("（游客看不到）", " (hidden from visitors)"),
    "stinfo.ask_name": (
        "新的摊位名称是？（{limit}字以内）",
        "The new stall name? (up to {limit} characters)",
    ),
    "stinfo.ask_village": (
        "您是哪个村的？（{limit}字以内）",
        "Which village? (up to {limit} characters)",
    ),
    "stinfo.ask_phone": (
        "新的电话号码是？直接输入，或点“分享手机号”。",
        "The new phone number? Type it, or tap “share phone number”.",
    ),
    "stall.phone": ("📞 电话：{phone}", "📞 Phone: {phone}"),
    "my.intro_updated": ("✅ 摊位介绍已更新。", "✅ Stall intro updated."),
    # several markets
    "mkt.btn.switch": ("🔁 换个集市", "🔁 Other markets"),
    "mkt.btn.new": ("➕ 新建集市", "➕ Add a market"),
    "mkt.list": ("选一个集市：", "Pick a market:"),
    "mkt.ask_name": (
        "新集市叫什么？（{limit}字以内），例如：东泉镇大集",
        "Name of the new market? (up to {limit} characters)",
    ),
    "mkt.ask_place": (
        "在哪里？（{limit}字以内），例如：东泉镇政府门前",
        "Where is it held? (up to {limit} characters)",
    ),
    "mkt.ask_hours": (
        "几点开市、几点散集？例如：08:00-13:00，或点一个按钮。",
        "Opening hours? e.g. 08:00-13:00, or tap a button.",
    ),
    "mkt.hours_invalid": (
        "时间看不懂。请写成 08:00-13:00 这样（开市早于散集）。",
        "I can't read that. Write it like 08:00-13:00 (opening before closing).",
    ),
    "mkt.created": (
        "✅ 集市“{name}”建好了。下一步：设置集日（比如逢三六九）。",
        "✅ The market “{name}” is created. Next: set its market days (e.g. 逢三六九).",
    ),
    # inline mode
    "inline.description": (
        "{stall}（{village}）· {count} 个摊位有卖",
        "{stall} ({village}) · at {count} stalls",
    ),
    "inline.card": (
        "<b>{name}</b>　{price}\n🧺 {stall}（{village}）\n{description}",
        "<b>{name}</b>  {price}\n🧺 {stall} ({village})\n{description}",
    ),
    "inline.open": ("🧺 打开这个摊位", "🧺 Open the stall"),
    # demand
    "cmd.demand": ("书记：本周大家想买什么", "Secretary: what visitors looked for this week"),
    "demand.title": ("📊 过去 7 天共 {count} 次搜索。", "📊 {count} searches in the last 7 days."),
    "demand.top": ("<b>最多人找：</b>", "<b>Most searched:</b>"),
    "demand.line": ("• {term}（{count} 次）", "• {term} ({count}×)"),
    "demand.unmet": ("<b>有人找、没人卖：</b>", "<b>Asked for, nobody sells:</b>"),
    "demand.unmet_line": (
        "• {count} 次有人找“{term}”，没找到",
        "• “{term}” asked {count}×, not found",
    ),
    "demand.none": ("还没有人搜索过。", "Nobody has searched yet."),
    "demand.hint": (
        "📈 这周有 {count} 次有人找“{wish}”没找到。您的摊位有“{product}”——游客现在能搜到它了吗？名字里写上“{wish}”会更好找。",
        "📈 This week “{wish}” was searched {count}× without result. Your stall has “{product}” — "
        "consider naming it so visitors find it.",
    ),
    "demand.hint_sold_out": (
        "📈 这周有 {count} 次有人找“{wish}”没找到。您的“{product}”标着已售完——有货的话在“我的摊位”里标成有货吧。",
        "📈 This week “{wish}” was searched {count}× without result. Your “{product}” is marked "
        "sold out — mark it back in stock in “My stall” if you have more.",
    ),
    # QR codes and posters
    "print.no_link": (
        "还没有可以放进二维码的链接：请在配置文件里填写集市网页地址 [web] public_url，或机器人的 Telegram 用户名 [telegram] username。",
        "There is no link to put in a QR code yet: set the market's web address [web] public_url "
        "or the bot's Telegram username [telegram] username in the config.",
    ),
    "print.no_files": (
        "这里收不了文件，{what}（{file}）没法直接发给您，真抱歉。"
        "请管理员在配置文件里填上集市网页地址 [web] public_url，以后这里就会给您一个下载链接；"
        "现在也可以在电脑上用 marketbot qr / marketbot poster 命令生成。",
        "Files cannot be received here, so {what} ({file}) cannot come to you directly, sorry. "
        "Once the "
        "market's web address [web] public_url is set in the config you get a download link "
        "here; for now it can be made on a computer with marketbot qr / marketbot poster.",
    ),
    "print.poster_link": (
        "这里收不了文件，海报（PDF）请点这个链接下载，再拿去打印：\n{url}",
        "Files cannot be received here; download the poster (PDF) from this link and print "
        "it:\n{url}",
    ),
    "print.what.document": ("海报", "the poster"),
    "print.what.photo": ("二维码", "the QR code"),
    "print.qr_link": (
        "这里收不了文件，二维码（图片）请点这个链接打开，保存后拿去打印：\n{url}",
        "Files cannot be received here; open the QR code (an image) from this link, save it "
        "and print it:\n{url}",
    ),
    "print.btn.qr": ("🔳 二维码", "🔳 QR code"),
    "print.btn.market_qr": ("🔳 集市二维码", "🔳 Market QR code"),
    "print.btn.market_poster": ("🪧 集市海报", "🪧 Market poster"),
    # typed input problems
    "input.need_text": ("这一步需要打字回答。", "Please answer this one with text."),
    "input.need_photo": (
        "这一步需要发一张照片，或者点“跳过”。",
        "Please send a photo here, or tap “Skip”.",
    ),
    "input.use_buttons": ("请点下面的按钮选择。", "Please choose with the buttons below."),
    "input.empty": ("好像没有内容，请再输入一次。", "That was empty; please type it again."),
    "input.no_letters": (
        "请用文字写，不能只有表情或符号。",
        "Please use words, not only emoji or symbols.",
    ),
    "input.too_long": (
        "太长了（{length}字），请控制在{limit}字以内。",
        "That's too long ({length} characters); please keep it within {limit}.",
    ),
    "price.empty": ("请输入价格，比如：15 或 12块5。", "Please type a price, e.g. 15 or 12.5."),
    "price.unparseable": (
        "这个价格看不懂。可以这样写：15、15元、15.5、十五块、12块5、35元/瓶。",
        "I can't read that price. Write it like: 15, 15元, 15.5, 12块5, 35元/瓶.",
    ),
    "price.negative": (
        "价格不能是负数，请重新输入。",
        "A price can't be negative; please retype it.",
    ),
    "price.zero": (
        "价格不能是 0。如果是送的，请在介绍里写明，价格填 1 分以上。",
        "A price can't be zero; please type the price.",
    ),
    "price.too_large": (
        "这个价格太大了（最多 10 万元），请检查一下。",
        "That price is too large (at most 100,000 yuan); please check it.",
    ),
    # secretaries
    "sec.only": ("这个操作只有村书记能用。", "Only village secretaries can do that."),
    "sec.menu": ("📋 书记管理：", "📋 Secretary tools:"),
    "sec.btn.pending": ("⏳ 待审核（{count}）", "⏳ Pending ({count})"),
    "sec.btn.pending_list": ("⏳ 待审核", "⏳ Pending"),
    "sec.btn.stalls": ("🏪 所有摊位", "🏪 All stalls"),
    "sec.btn.promote": ("👤 任命书记", "👤 Add a secretary"),
    "sec.btn.demote": ("👤 撤销书记", "👤 Remove a secretary"),
    "sec.no_demotable": (
        "没有可以撤销的书记（配置文件里的书记要在配置文件里改）。",
        "There is no secretary to remove (those in the config file are changed there).",
    ),
    "sec.demote_pick": ("撤销谁的书记权限？", "Whose secretary rights should go?"),
    "sec.demote_confirm": (
        "确定撤销 {name} 的书记权限吗？",
        "Remove {name}'s secretary rights?",
    ),
    "sec.demoted": ("✅ 已撤销 {name} 的书记权限。", "✅ {name} is no longer a secretary."),
    "sec.you_are_demoted": (
        "您的书记权限已被撤销。有问题请联系村书记。",
        "Your secretary rights were removed. Ask the village secretary if this is a mistake.",
    ),
    "sec.pending": ("<b>待审核</b>（{count}）：", "<b>Awaiting approval</b> ({count}):"),
    "sec.none_pending": ("没有待审核的摊主。", "No vendors are waiting for approval."),
    "sec.stalls": ("<b>所有摊位</b>（{count}）：", "<b>All stalls</b> ({count}):"),
    "sec.no_stalls": ("还没有摊位。", "There are no stalls yet."),
    "sec.stall_line": ("• {name} — {vendor}（{status}）", "• {name} — {vendor} ({status})"),
    "sec.review": (
        "📋 新摊主申请：\n🧺 <b>{stall}</b>\n👤 {vendor}（{village}）\n📞 {phone}\n📝 {intro}",
        "📋 New vendor application:\n🧺 <b>{stall}</b>\n👤 {vendor} ({village})\n📞 {phone}\n"
        "📝 {intro}",
    ),
    "sec.phone": ("📞 {phone}", "📞 {phone}"),
    "sec.already": (
        "“{name}”已经处理过了（现在：{status}），没有改动。",
        "“{name}” was already handled (now: {status}); nothing changed.",
    ),
    "sec.approved": (
        "✅ 已通过“{name}”，已通知摊主。",
        "✅ Approved “{name}”; the vendor was told.",
    ),
    "sec.rejected": ("已拒绝“{name}”，已通知摊主。", "Rejected “{name}”; the vendor was told."),
    "sec.suspended": (
        "⏸ 已暂停“{name}”，游客看不到了，商品都保留着。",
        "⏸ Suspended “{name}”: hidden from visitors, nothing deleted.",
    ),
    "sec.resumed": ("▶️ 已恢复“{name}”。", "▶️ Restored “{name}”."),
    "sec.ask_reason": (
        "为什么不通过“{name}”？写一句原因告诉摊主（可以跳过）。",
        "Why is “{name}” rejected? One line for the vendor (optional).",
    ),
    "sec.no_reason": (
        "（没有写原因，可以联系村书记）",
        "(no reason given; contact the secretary)",
    ),
    "sec.promote_pick": (
        "任命谁为书记？（最近使用过的人）",
        "Who should become a secretary? (people who used the bot recently)",
    ),
    "sec.no_candidates": ("还没有其他人用过这个机器人。", "Nobody else has used the bot yet."),
    "sec.promote_confirm": (
        "确定任命 {name} 为书记吗？书记可以审核摊主、暂停摊位。",
        "Make {name} a secretary? Secretaries approve and suspend vendors.",
    ),
    "sec.promoted": ("✅ 已任命 {name} 为书记。", "✅ {name} is now a secretary."),
    "sec.already_secretary": ("{name} 已经是书记了。", "{name} is already a secretary."),
    "sec.you_are_promoted": (
        "您被任命为集市书记，可以审核摊主了。",
        "You are now a market secretary and can approve vendors.",
    ),
    "status.pending": ("待审核", "pending"),
    "status.approved": ("正常", "active"),
    "status.rejected": ("未通过", "rejected"),
    "status.suspended": ("已暂停", "suspended"),
    # flows, help, language
    "flow.register": ("登记摊位", "registering your stall"),
    "flow.add": ("上架商品", "listing a product"),
    "flow.edit": ("修改商品", "editing"),
    "flow.reject": ("填写拒绝原因", "giving a reason"),
    "flow.schedule": ("设置集市日期", "setting market days"),
    "flow.new_market": ("新建集市", "adding a market"),
    "flow.other": ("一项操作", "something"),
    "busy": (
        "您正在{flow}，还没完成。请先回答下面的问题，或发送 /cancel 放弃。",
        "You are in the middle of {flow}. Answer the question below, or send /cancel to stop.",
    ),
    "cancel.done": ("已取消{flow}。", "Stopped {flow}."),
    "cancel.nothing": ("现在没有要取消的操作。", "There is nothing to cancel."),
    "help.everyone": (
        "<b>逛集市</b>\n/start 集市首页和菜单\n/search 木耳 — 找东西（也可以直接打字）\n/next 下次集市是哪天\n"
        "/subscribe 集日提醒（开 / 关）\n/lang 切换语言\n/cancel 取消当前操作\n/help 这份说明",
        "<b>Visiting</b>\n/start market home and menu\n/search honey — find goods (or just "
        "type)\n/next when the next market days are\n/subscribe market-day reminders on / off\n"
        "/lang change language\n/cancel stop what you are doing\n/help this help",
    ),
    "help.vendor": (
        "<b>摆摊</b>\n/register 登记摊位\n/add 上架商品\n/mystall 我的摊位：改价格、标记卖完、删除、"
        "下次集市去不去、通知关注我的人、二维码\n当天直接打“卖完了”就能标记售完。",
        "<b>Selling</b>\n/register register a stall\n/add list a product\n/mystall my stall: "
        "prices, sold out, delete, coming to the next market, news to followers, QR code\n"
        "On the day, type “sold out” to mark goods sold out.",
    ),
    "help.secretary": (
        "<b>书记</b>\n/pending 待审核的摊主\n/promote 任命新书记\n/schedule 设置集市日期（如：逢三六九），取消或改期某一天\n"
        "/reminders 提醒时间\n/broadcast 群发通知\n/broadcasts 以往的通知和结果\n"
        "首页的“书记管理”里可以暂停或恢复摊位、新建集市、打印二维码和海报。",
        "<b>Secretaries</b>\n/pending vendors awaiting approval\n/promote add a secretary\n"
        "/schedule set the market days (e.g. 逢三六九), cancel or move one day\n"
        "/reminders reminder times\n/broadcast send an announcement\n/broadcasts past ones and "
        "their reports\nSuspend or restore stalls, add a market and print QR codes and posters "
        "from “Secretary tools”.",
    ),
    "lang.pick": ("请选择语言 / Choose a language:", "Choose a language / 请选择语言:"),
    "lang.set": ("好的，以后用中文和您说话。", "OK, I'll speak English with you."),
    "stale": (
        "这个按钮已经过期了，什么都没有改动。",
        "That button has expired; nothing was changed.",
    ),
    "typed.no_button": (
        "现在屏幕上没有“{label}”这个按钮，什么都没有改动。点下面的按钮重新开始。",
        "There is no “{label}” button on screen now; nothing was changed. Tap a button below "
        "to start again.",
    ),
    "unknown_command": (
        "没有这个命令。发送 /help 看看能做什么。",
        "I don't know that command. Send /help to see what I can do.",
    ),
    "media.photo": (
        "收到照片，不过现在不需要照片。要上架商品请发送 /add。",
        "Thanks for the photo, but I wasn't expecting one. To list a product send /add.",
    ),
    "media.contact": ("现在不需要电话号码。", "I wasn't asking for a phone number."),
    "core.same_label": (
        "有 {n} 个“{label}”，不知道您指的是哪一个。请在您要的那条消息上点它的按钮。",
        "{n} buttons say “{label}”, so I can't tell which one you mean. Please press it on the "
        "message you mean.",
    ),
    "core.same_label_numbers": (
        "有 {n} 个“{label}”，不知道您指的是哪一个。请发您要的那个前面的编号：{numbers}。",
        "{n} buttons say “{label}”, so I can't tell which one you mean. Please type the number "
        "of the one you mean: {numbers}.",
    ),
    "core.more": ("（还有，回复 0 看下一页）", "(more: reply 0 for the next page)"),
    "error.internal": (
        "抱歉，出了点问题，请再试一次。您填的内容都还在。",
        "Sorry, something went wrong. Please try again; nothing you typed is lost.",
    ),
}
