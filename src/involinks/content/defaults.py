"""The public site's starting content, written by `involinks seed-demo` when a block does not exist."""

from __future__ import annotations

DEFAULT_BLOCKS: dict[str, dict[str, tuple[str, str]]] = {
    "home.hero": {
        "en": (
            "E-invoices your customers and the FTA accept the first time",
            "Issue UAE e-invoices that pass the official **Peppol PINT AE** rules, send them over the "
            "Peppol network, and pay suppliers with confidence using 3-way matching.",
        ),
        "ar": (
            "فواتير إلكترونية يقبلها عملاؤك والهيئة الاتحادية للضرائب من المرة الأولى",
            "أصدر فواتير إلكترونية متوافقة مع قواعد **Peppol PINT AE** الرسمية، وأرسلها عبر شبكة "
            "Peppol، وادفع لمورديك بثقة بفضل المطابقة الثلاثية.",
        ),
    },
    "home.feature.compliance": {
        "en": (
            "Compliant by construction",
            "Every invoice is checked against the UBL 2.1 schema and the official PINT AE rules before "
            "it leaves, sealed in a hash chain and signed.",
        ),
        "ar": (
            "متوافق منذ البداية",
            "تُفحص كل فاتورة وفق مخطط UBL 2.1 وقواعد PINT AE الرسمية قبل إرسالها، وتُختم في سلسلة "
            "تجزئة وتُوقّع رقمياً.",
        ),
    },
    "home.feature.peppol": {
        "en": (
            "Peppol exchange",
            "Send and receive through accredited access-point providers, with delivery status you "
            "can follow.",
        ),
        "ar": (
            "تبادل عبر Peppol",
            "أرسل واستقبل عبر مزودي نقاط الوصول المعتمدين مع تتبع حالة التسليم.",
        ),
    },
    "home.feature.payables": {
        "en": (
            "Accounts payable that tells you what to pay",
            "Purchase orders, goods receipts and supplier invoices matched line by line, with every "
            "variance explained.",
        ),
        "ar": (
            "حسابات دائنة تخبرك بما يجب دفعه",
            "أوامر الشراء وإيصالات الاستلام وفواتير الموردين مطابقة بنداً بنداً مع شرح كل فرق.",
        ),
    },
    "home.cta": {
        "en": (
            "Register your company",
            "Sign up in minutes; we verify your trade licence and TRN.",
        ),
        "ar": ("سجّل شركتك", "سجّل خلال دقائق؛ نتحقق من رخصتك التجارية ورقم التسجيل الضريبي."),
    },
}
