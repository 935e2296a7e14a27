"""About two hundred of the commonest passwords, lower-cased (leaked-password lists and
their Chinese favourites: digits, keyboard rows, 520/1314, pinyin). Shipped, not downloaded."""

from __future__ import annotations

_LISTED = """
    123456 123456789 12345678 1234567890 12345 1234567 password 111111 123123 qwerty abc123
    000000 1234 iloveyou 666666 888888 654321 123321 112233 5201314 1314520 woaini
    woaini1314 woaini520 520520 521521 147258369 147258 159357 123654 7758521 a123456
    a12345678 a123456789 aa123456 aa12345678 abc123456 abc12345678 abcd1234 abcd123456
    abc@123 abc@123456 qq123456 qq12345678 asd123456 asdf1234 asdfghjkl qwer1234 qwerty123
    qwertyuiop qwe123456 qweasdzxc 1qaz2wsx 1qaz2wsx3edc 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y
    zxcvbnm zxcvbnm123 zxc123456 password1 password12 password123 password1234 passw0rd
    p@ssw0rd p@ssword p@55w0rd admin admin123 admin888 admin@123 admin123456 administrator
    root123456 root@123 test123456 test@123 welcome welcome123 letmein letmein123 iloveyou1
    iloveyou123 123qwe 123qweasd 123456abc 123456qwe 123456789a 1234567890a 12345678910
    1234554321 0123456789 9876543210 987654321 11111111 1111111111 0000000000 88888888
    8888888888 66666666 6666666666 12344321 11223344 1122334455 123123123 123456123456
    5211314 1314521 woainima aini1314 wo520ni zhang123 wang123456 li123456 zhangwei liuyang
    wangwei huawei123 xiaomi123 baidu123 taobao123 weixin123 wechat123 china123 china2008
    beijing2008 shanghai123 zhongguo zhongguo123 qazwsxedc qazwsx123 dragon monkey football
    baseball sunshine princess superman batman michael shadow master hello123 hello1234
    helloworld trustno1 changeme changeme123 default default123 guest guest123 user123
    user123456 login123 access123 secret secret123 mypassword mima123 mima123456 mima1234
    mimamima 88888888a a1b2c3d4 a1b2c3d4e5 aaaaaaaaaa abcdefghij abcdefg123 qwertyui
    asdfghjk zxcvbnm1 q1w2e3r4 q1w2e3r4t5 1a2b3c4d 1a2b3c4d5e password! password@123
    p@ssw0rd123 passw0rd! aa123456789 admin@123456 iloveyou520 wodemima kaoshi123 ceping123
    ceping2026 toupiao123 zuzhibu123 123456aa 123456aaa 123456.com 123.com 1234.com qq.com
    123abc 123abc456 abc123abc a123123 a111111 a000000 w123456 z123456 q123456 qwe123
    asd123 zxc123 1qazxsw2 2wsx3edc zaq12wsx xiaoming zhangsan lisi123456 wangwu123
    ceshi123 ceshi123456 woshishui wojiushiwo nicai123
"""

COMMON_PASSWORDS: frozenset[str] = frozenset(_LISTED.split())
