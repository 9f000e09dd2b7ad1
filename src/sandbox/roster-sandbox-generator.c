/* roster-sandbox-generator.c
 *
 * Builds a sandbox organization from a seed: people from many cultures and
 * scripts, email domains (verified and external), app and customer accounts,
 * a realistic status mix, product access with a long tail of last-active
 * dates, groups consistent with the products, a few admins. Deterministic for
 * a seed and a size; 100k users take a fraction of a second.
 */
#define G_LOG_DOMAIN "roster-sandbox"

#include "config.h"

#include <string.h>

#include "roster-sandbox-private.h"

typedef struct
{
  const char *native;
  const char *ascii;
} Name;

typedef struct
{
  const Name *first;
  guint       n_first;
  const Name *last;
  guint       n_last;
  guint       weight;
  /* 0 = "First Last"; 1 = "LastFirst" (Chinese, Japanese, Korean) */
  guint       order;
  const char *time_zone;
} Culture;

static const Name english_first[] = {
  { "James", "james" }, { "Mary", "mary" }, { "Olivia", "olivia" }, { "Noah", "noah" },
  { "Emma", "emma" }, { "Liam", "liam" }, { "Grace", "grace" }, { "Ethan", "ethan" },
  { "Sophia", "sophia" }, { "William", "william" }, { "Ava", "ava" }, { "Benjamin", "benjamin" },
  { "Charlotte", "charlotte" }, { "Lucas", "lucas" }, { "Amelia", "amelia" }, { "Henry", "henry" },
  { "Harper", "harper" }, { "Jack", "jack" }, { "Evelyn", "evelyn" }, { "Daniel", "daniel" },
  { "Abigail", "abigail" }, { "Michael", "michael" }, { "Emily", "emily" }, { "Samuel", "samuel" },
  { "Chloe", "chloe" }, { "Owen", "owen" }, { "Hannah", "hannah" }, { "Isaac", "isaac" },
};
static const Name english_last[] = {
  { "Smith", "smith" }, { "Johnson", "johnson" }, { "Brown", "brown" }, { "Taylor", "taylor" },
  { "Miller", "miller" }, { "O'Connor", "oconnor" }, { "Walker", "walker" }, { "Wilson", "wilson" },
  { "Anderson", "anderson" }, { "Thomas", "thomas" }, { "Moore", "moore" }, { "Jackson", "jackson" },
  { "White", "white" }, { "Harris", "harris" }, { "Martin", "martin" }, { "Thompson", "thompson" },
  { "Robinson", "robinson" }, { "Clark", "clark" }, { "Lewis", "lewis" }, { "Young", "young" },
  { "Hall", "hall" }, { "Allen", "allen" }, { "King", "king" }, { "Wright", "wright" },
  { "Scott", "scott" }, { "Green", "green" }, { "Baker", "baker" }, { "Adams", "adams" },
  { "Nelson", "nelson" }, { "Hill", "hill" }, { "Campbell", "campbell" }, { "Mitchell", "mitchell" },
  { "MacDonald", "macdonald" }, { "Murphy", "murphy" }, { "Kelly", "kelly" }, { "Bennett", "bennett" },
};
static const Name european_first[] = {
  { "Zoë", "zoe" }, { "Łukasz", "lukasz" }, { "José", "jose" }, { "Søren", "soren" },
  { "Ðorđe", "djordje" }, { "François", "francois" }, { "Jürgen", "juergen" },
  { "Åsa", "asa" }, { "Renée", "renee" }, { "Inês", "ines" }, { "Małgorzata", "malgorzata" },
  { "Matteo", "matteo" }, { "Giulia", "giulia" }, { "Lars", "lars" }, { "Ingrid", "ingrid" },
  { "Pieter", "pieter" }, { "Anouk", "anouk" }, { "Mikko", "mikko" }, { "Aino", "aino" },
  { "Tomáš", "tomas" }, { "Zuzana", "zuzana" }, { "Bence", "bence" }, { "Réka", "reka" },
  { "Andrei", "andrei" }, { "Ioana", "ioana" }, { "Björn", "bjoern" }, { "Chloé", "chloe" },
  { "Xavier", "xavier" }, { "Leonie", "leonie" }, { "Marta", "marta" }, { "Kristjan", "kristjan" },
};
static const Name european_last[] = {
  { "Müller", "mueller" }, { "Nowak", "nowak" }, { "García", "garcia" },
  { "Jørgensen", "jorgensen" }, { "Đoković", "djokovic" }, { "Dvořák", "dvorak" },
  { "Fernández", "fernandez" }, { "Kovačević", "kovacevic" }, { "Lefèvre", "lefevre" },
  { "Wiśniewska", "wisniewska" }, { "Rossi", "rossi" }, { "Bianchi", "bianchi" },
  { "Andersson", "andersson" }, { "Nilsson", "nilsson" }, { "de Vries", "devries" },
  { "Jansen", "jansen" }, { "Virtanen", "virtanen" }, { "Korhonen", "korhonen" },
  { "Novák", "novak" }, { "Horváth", "horvath" }, { "Popescu", "popescu" },
  { "Schmidt", "schmidt" }, { "Weiß", "weiss" }, { "Dubois", "dubois" }, { "Moreau", "moreau" },
  { "Silva", "silva" }, { "Santos", "santos" }, { "Kowalski", "kowalski" }, { "Tamm", "tamm" },
  { "Hansen", "hansen" }, { "Ó Briain", "obriain" }, { "Martínez", "martinez" },
};
static const Name cyrillic_first[] = {
  { "Иван", "ivan" }, { "Ольга", "olga" }, { "Дмитрий", "dmitry" }, { "Анастасия", "anastasia" },
  { "Сергей", "sergey" }, { "Мария", "maria" }, { "Алексей", "alexey" }, { "Екатерина", "ekaterina" },
  { "Олександр", "oleksandr" }, { "Оксана", "oksana" }, { "Тарас", "taras" }, { "Юлія", "yulia" },
};
static const Name cyrillic_last[] = {
  { "Петров", "petrov" }, { "Смирнова", "smirnova" }, { "Ковальчук", "kovalchuk" },
  { "Иванов", "ivanov" }, { "Соколова", "sokolova" }, { "Попов", "popov" },
  { "Шевченко", "shevchenko" }, { "Бондаренко", "bondarenko" }, { "Кузнецова", "kuznetsova" },
  { "Мельник", "melnyk" }, { "Волков", "volkov" }, { "Ткаченко", "tkachenko" },
};
static const Name greek_first[] = {
  { "Γιώργος", "giorgos" }, { "Ελένη", "eleni" }, { "Νίκος", "nikos" }, { "Μαρία", "maria" },
  { "Δημήτρης", "dimitris" }, { "Κατερίνα", "katerina" },
};
static const Name greek_last[] = {
  { "Παπαδόπουλος", "papadopoulos" }, { "Οικονόμου", "oikonomou" }, { "Γεωργίου", "georgiou" },
  { "Νικολάου", "nikolaou" }, { "Βλάχου", "vlachou" },
};
static const Name arabic_first[] = {
  { "محمد", "mohammed" }, { "فاطمة", "fatima" }, { "ليلى", "layla" }, { "أحمد", "ahmed" },
  { "يوسف", "youssef" }, { "نور", "nour" }, { "عمر", "omar" }, { "سارة", "sara" },
};
static const Name arabic_last[] = {
  { "العلي", "alali" }, { "حداد", "haddad" }, { "منصور", "mansour" }, { "خليل", "khalil" },
  { "الحسن", "alhassan" }, { "ناصر", "nasser" },
};
static const Name hebrew_first[] = {
  { "נועה", "noa" }, { "דוד", "david" }, { "תמר", "tamar" }, { "יוסף", "yosef" }, { "מאיה", "maya" },
};
static const Name hebrew_last[] = {
  { "כהן", "cohen" }, { "לוי", "levi" }, { "מזרחי", "mizrahi" }, { "פרץ", "peretz" },
  { "ביטון", "biton" },
};
static const Name chinese_first[] = {
  { "伟", "wei" }, { "芳", "fang" }, { "秀英", "xiuying" }, { "静", "jing" }, { "磊", "lei" },
  { "小龙", "xiaolong" }, { "丽", "li" }, { "俊杰", "junjie" }, { "雪", "xue" }, { "浩", "hao" },
};
static const Name chinese_last[] = {
  { "王", "wang" }, { "李", "li" }, { "张", "zhang" }, { "刘", "liu" }, { "陈", "chen" },
  { "杨", "yang" }, { "黄", "huang" }, { "赵", "zhao" }, { "周", "zhou" },
};
static const Name japanese_first[] = {
  { "さくら", "sakura" }, { "翔太", "shota" }, { "ハルト", "haruto" }, { "結衣", "yui" },
  { "大輝", "daiki" }, { "陽菜", "hina" }, { "蓮", "ren" }, { "美咲", "misaki" },
};
static const Name japanese_last[] = {
  { "佐藤", "sato" }, { "鈴木", "suzuki" }, { "高橋", "takahashi" }, { "田中", "tanaka" },
  { "伊藤", "ito" }, { "渡辺", "watanabe" }, { "山本", "yamamoto" }, { "中村", "nakamura" },
};
static const Name korean_first[] = {
  { "민준", "minjun" }, { "서연", "seoyeon" }, { "지훈", "jihun" }, { "하은", "haeun" },
  { "도윤", "doyun" }, { "수아", "sua" },
};
static const Name korean_last[] = {
  { "김", "kim" }, { "이", "lee" }, { "박", "park" }, { "최", "choi" }, { "정", "jung" },
  { "강", "kang" },
};
static const Name thai_first[] = {
  { "สมชาย", "somchai" }, { "กมลา", "kamala" }, { "อนันต์", "anan" }, { "สุดา", "suda" },
  { "ปิยะ", "piya" },
};
static const Name thai_last[] = {
  { "ศรีสุข", "srisuk" }, { "วงศ์ไทย", "wongthai" }, { "แสงทอง", "saengthong" },
  { "บุญมา", "boonma" },
};
static const Name hindi_first[] = {
  { "प्रिया", "priya" }, { "अर्जुन", "arjun" }, { "अनन्या", "ananya" }, { "रोहन", "rohan" },
  { "नेहा", "neha" }, { "विक्रम", "vikram" },
};
static const Name hindi_last[] = {
  { "शर्मा", "sharma" }, { "पटेल", "patel" }, { "वर्मा", "verma" }, { "सिंह", "singh" },
  { "जोशी", "joshi" },
};
static const Name indian_first[] = {
  { "Ananya", "ananya" }, { "Rahul", "rahul" }, { "Lakshmi", "lakshmi" }, { "Aditya", "aditya" },
  { "Divya", "divya" }, { "Karthik", "karthik" }, { "Meera", "meera" }, { "Sanjay", "sanjay" },
  { "Pooja", "pooja" }, { "Vivek", "vivek" },
};
static const Name indian_last[] = {
  { "Iyer", "iyer" }, { "Reddy", "reddy" }, { "Gupta", "gupta" }, { "Nair", "nair" },
  { "Menon", "menon" }, { "Rao", "rao" }, { "Das", "das" }, { "Kapoor", "kapoor" },
  { "Mehta", "mehta" },
};
static const Name turkish_first[] = {
  { "Çağrı", "cagri" }, { "Şule", "sule" }, { "İlkay", "ilkay" }, { "Ümit", "umit" },
  { "Emre", "emre" }, { "Ayşe", "ayse" }, { "Gökhan", "gokhan" }, { "Zeynep", "zeynep" },
};
static const Name turkish_last[] = {
  { "Yılmaz", "yilmaz" }, { "Öztürk", "ozturk" }, { "Şahin", "sahin" }, { "Demir", "demir" },
  { "Çelik", "celik" }, { "Aydın", "aydin" }, { "Kaya", "kaya" },
};

#define CULTURE(f, l, w, o, tz) { f, G_N_ELEMENTS (f), l, G_N_ELEMENTS (l), w, o, tz }

static const Culture cultures[] = {
  CULTURE (english_first, english_last, 30, 0, "America/New_York"),
  CULTURE (european_first, european_last, 24, 0, "Europe/Berlin"),
  CULTURE (cyrillic_first, cyrillic_last, 6, 0, "Europe/Kyiv"),
  CULTURE (greek_first, greek_last, 3, 0, "Europe/Athens"),
  CULTURE (arabic_first, arabic_last, 5, 0, "Asia/Dubai"),
  CULTURE (hebrew_first, hebrew_last, 3, 0, "Asia/Jerusalem"),
  CULTURE (chinese_first, chinese_last, 7, 1, "Asia/Shanghai"),
  CULTURE (japanese_first, japanese_last, 5, 1, "Asia/Tokyo"),
  CULTURE (korean_first, korean_last, 4, 1, "Asia/Seoul"),
  CULTURE (thai_first, thai_last, 3, 0, "Asia/Bangkok"),
  CULTURE (hindi_first, hindi_last, 3, 0, "Asia/Kolkata"),
  CULTURE (indian_first, indian_last, 4, 0, "Asia/Kolkata"),
  CULTURE (turkish_first, turkish_last, 4, 0, "Europe/Istanbul"),
};

static const char *app_names[] = {
  "Automation for Jira", "Slack bot", "Microsoft Teams for Jira", "GitHub for Jira",
  "Opsgenie Integration", "Zoom for Jira", "Statuspage", "Confluence Analytics",
  "Tempo Timesheets", "Atlassian Assist",
};

typedef struct
{
  const char *name;
  const char *group;   /* department group name, (nullable) */
  const char *titles[4];
} Department;

static const Department departments[] = {
  { "Engineering", "engineering", { "Software Engineer", "Senior Software Engineer", "Engineering Manager", "Site Reliability Engineer" } },
  { "Sales", "sales", { "Account Executive", "Sales Manager", "Sales Engineer", "Business Development Rep" } },
  { "Support", "support", { "Support Engineer", "Support Team Lead", "Customer Success Manager", "Technical Writer" } },
  { "Finance", "finance", { "Accountant", "Financial Analyst", "Controller", "Payroll Specialist" } },
  { "Marketing", "marketing", { "Marketing Manager", "Content Strategist", "Designer", "SEO Specialist" } },
  { "Human Resources", "people", { "HR Business Partner", "Recruiter", "People Operations", "Talent Lead" } },
  { "Product", NULL, { "Product Manager", "Product Designer", "UX Researcher", "Product Owner" } },
  { "Legal", NULL, { "Counsel", "Paralegal", "Compliance Officer", "Legal Operations" } },
};

typedef struct
{
  const char *name;
  const char *description;
  int         product;
  guint8      admin_products;
  gboolean    synced;
} GroupSpec;

enum
{
  G_JIRA_USERS,
  G_CONFLUENCE_USERS,
  G_JSM_USERS,
  G_ORG_ADMINS,
  G_SITE_ADMINS,
  G_JIRA_ADMINS,
  G_CONFLUENCE_ADMINS,
  G_ADDONS,
  G_FIRST_DEPARTMENT,  /* six department groups follow, in `departments` order */
  G_OKTA_ALL = G_FIRST_DEPARTMENT + 6,
  G_OKTA_ENGINEERING,
  G_N_GROUPS,
};

static const GroupSpec group_specs[G_N_GROUPS] = {
  { "jira-software-users", "Grants access to Jira", SB_PRODUCT_JIRA, 0, FALSE },
  { "confluence-users", "Grants access to Confluence", SB_PRODUCT_CONFLUENCE, 0, FALSE },
  { "jira-servicemanagement-users", "Grants access to Jira Service Management", SB_PRODUCT_JSM, 0, FALSE },
  { "org-admins", "Organization administrators", -1, 0, FALSE },
  { "site-admins", "Site administrators for acme.atlassian.net", -1, 0x7, FALSE },
  { "jira-administrators", "Jira administrators", -1, 1 << SB_PRODUCT_JIRA, FALSE },
  { "confluence-administrators", "Confluence administrators", -1, 1 << SB_PRODUCT_CONFLUENCE, FALSE },
  { "atlassian-addons-admin", "App and integration accounts", -1, 0, FALSE },
  { "engineering", "Everyone in Engineering", -1, 0, FALSE },
  { "sales", "Sales team", -1, 0, FALSE },
  { "support", "Support and customer success", -1, 0, FALSE },
  { "finance", "Finance and accounting", -1, 0, FALSE },
  { "marketing", "Marketing", -1, 0, FALSE },
  { "people", "Human resources", -1, 0, FALSE },
  { "okta-all-staff", "Synced from Okta: all employees", -1, 0, TRUE },
  { "okta-engineering", "Synced from Okta: engineering", -1, 0, TRUE },
};

static const char *extra_time_zones[] = {
  "Europe/London", "America/Los_Angeles", "Australia/Sydney", "America/Sao_Paulo", "UTC",
};

#define DAY_MS (G_GINT64_CONSTANT (86400000))

static char *
make_uuid (GRand *rand)
{
  guint32 w[4];

  for (guint i = 0; i < 4; i++)
    w[i] = g_rand_int (rand);
  return g_strdup_printf ("%08x-%04x-4%03x-%04x-%04x%08x",
                          w[0], w[1] >> 16, w[1] & 0xfff,
                          0x8000 | (w[2] & 0x3fff), w[2] >> 16, w[3]);
}

static void
make_uuid_buf (GRand *rand,
               char   buf[40])
{
  guint32 w[4];

  for (guint i = 0; i < 4; i++)
    w[i] = g_rand_int (rand);
  g_snprintf (buf, 40, "%08x-%04x-4%03x-%04x-%04x%08x",
              w[0], w[1] >> 16, w[1] & 0xfff,
              0x8000 | (w[2] & 0x3fff), w[2] >> 16, w[3]);
}

static guint
pick_culture (GRand *rand)
{
  guint total = 0;
  guint r;

  for (guint i = 0; i < G_N_ELEMENTS (cultures); i++)
    total += cultures[i].weight;
  r = g_rand_int_range (rand, 0, total);
  for (guint i = 0; i < G_N_ELEMENTS (cultures); i++)
    {
      if (r < cultures[i].weight)
        return i;
      r -= cultures[i].weight;
    }
  return 0;
}

/* Days since last activity: most within a month, a long tail to 500 days. */
static gint64
pick_last_active_age_ms (GRand *rand)
{
  double r = g_rand_double (rand);
  double days;

  if (r < 0.70)
    days = g_rand_double_range (rand, 0, 30);
  else if (r < 0.90)
    days = g_rand_double_range (rand, 30, 180);
  else
    days = g_rand_double_range (rand, 180, 500);
  return (gint64) (days * DAY_MS);
}

static void
add_to_group (SbUser *user,
              guint   group)
{
  user->groups |= G_GUINT64_CONSTANT (1) << group;
}

SbOrg *
_sb_org_generate (guint32 seed,
                  guint   n_users,
                  gint64  now_unix)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GHashTable) emails = NULL;
  SbOrg *org;
  guint n_org_admins = 0, n_site_admins = 0, n_apps = 0;
  GString *tmp = g_string_new (NULL);
  char uuid[40];

  org = g_new0 (SbOrg, 1);
  org->seed = seed;
  org->now_ms = (now_unix > 0 ? now_unix : g_get_real_time () / G_USEC_PER_SEC) * 1000;
  org->strings = g_string_chunk_new (1 << 20);
  org->org_id = make_uuid (rand);
  org->org_name = g_strdup ("Acme Corporation");
  org->directory_id = make_uuid (rand);
  org->cloud_id = make_uuid (rand);
  org->host = g_strdup ("acme.atlassian.net");
  for (guint p = 0; p < SB_N_PRODUCTS; p++)
    {
      char buf[40];

      org->workspace_ids[p] = g_strdup_printf ("ari:cloud:%s::site/%s",
                                               _sb_workspace_type (p), org->cloud_id);
      _sb_format_time (buf, org->now_ms - (2100 - 30 * (gint64) p) * DAY_MS, TRUE);
      org->workspace_created[p] = g_strdup (buf);
    }

  /* Domains: two verified company domains first, then the external ones. */
  {
    static const char *names[] = {
      "acme.example", "acme-labs.example", "gmail.example", "contractor.example",
      "partner.example", "acme-legacy.example",
    };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        org->domains[i].name = names[i];
        org->domains[i].verified = i < 2;
        make_uuid_buf (rand, uuid);
        org->domains[i].id = g_string_chunk_insert (org->strings, uuid);
      }
    org->n_domains = G_N_ELEMENTS (names);
  }

  org->groups = g_ptr_array_new ();
  g_ptr_array_set_free_func (org->groups, NULL);
  for (guint i = 0; i < G_N_GROUPS; i++)
    {
      SbGroup *group = g_new0 (SbGroup, 1);

      group->id = make_uuid (rand);
      group->name = group_specs[i].name;
      group->description = group_specs[i].description;
      group->user_products = group_specs[i].product >= 0 ? 1 << group_specs[i].product : 0;
      group->admin_products = group_specs[i].admin_products;
      group->external_synced = group_specs[i].synced;
      g_ptr_array_add (org->groups, group);
    }

  org->users = g_array_sized_new (FALSE, TRUE, sizeof (SbUser), n_users);
  org->user_index = g_hash_table_new (g_str_hash, g_str_equal);
  emails = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n_users; i++)
    {
      SbUser user = { 0 };
      double r;
      gint64 added_age_ms;
      const char *first_ascii = NULL, *last_ascii = NULL;
      guint domain = SB_NO_DOMAIN;

      /* Account type: ~2% apps, ~1% customers. */
      r = g_rand_double (rand);
      user.account_type = r < 0.02 ? SB_ACCOUNT_APP : r < 0.03 ? SB_ACCOUNT_CUSTOMER : SB_ACCOUNT_ATLASSIAN;

      /* Account id in one of the real forms. */
      make_uuid_buf (rand, uuid);
      g_string_truncate (tmp, 0);
      if (user.account_type == SB_ACCOUNT_APP)
        g_string_append_printf (tmp, "557058:%s", uuid);
      else
        {
          r = g_rand_double (rand);
          if (r < 0.6)
            g_string_append_printf (tmp, "712020:%s", uuid);
          else if (r < 0.75)
            g_string_append_printf (tmp, "557058:%s", uuid);
          else
            g_string_append_printf (tmp, "%08x%08x%08x",
                                    g_rand_int (rand), g_rand_int (rand), g_rand_int (rand));
        }
      user.account_id = g_string_chunk_insert (org->strings, tmp->str);

      if (user.account_type == SB_ACCOUNT_APP)
        {
          const char *app = app_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (app_names))];

          /* Real directories hold names that a spreadsheet would run as a
           * formula; the first app account has one, so exports can be checked. */
          if (n_apps++ == 0)
            app = "=SUM(1+1) Importer";

          user.name = app;
          user.nickname = app;
          user.time_zone = "UTC";
        }
      else
        {
          const Culture *c = &cultures[pick_culture (rand)];
          const Name *first = &c->first[g_rand_int_range (rand, 0, c->n_first)];
          const Name *last = &c->last[g_rand_int_range (rand, 0, c->n_last)];

          g_string_truncate (tmp, 0);
          if (c->order == 1)
            g_string_append_printf (tmp, "%s%s", last->native, first->native);
          else
            g_string_append_printf (tmp, "%s %s", first->native, last->native);
          user.name = g_string_chunk_insert_const (org->strings, tmp->str);
          user.nickname = first->native;
          first_ascii = first->ascii;
          last_ascii = last->ascii;
          user.time_zone = g_rand_int_range (rand, 0, 5) == 0
            ? extra_time_zones[g_rand_int_range (rand, 0, G_N_ELEMENTS (extra_time_zones))]
            : c->time_zone;
        }

      /* Email domain: 75% on the verified company domains. */
      if (user.account_type == SB_ACCOUNT_ATLASSIAN)
        {
          r = g_rand_double (rand);
          if (r < 0.01)
            {
              domain = SB_NO_DOMAIN;
              user.email_null = TRUE;
            }
          else if (r < 0.61)
            domain = 0;
          else if (r < 0.76)
            domain = 1;
          else if (r < 0.88)
            domain = 2;
          else if (r < 0.95)
            domain = 3;
          else
            domain = 4;
        }
      else if (user.account_type == SB_ACCOUNT_CUSTOMER)
        domain = g_rand_boolean (rand) ? 2 : 4;

      if (domain != SB_NO_DOMAIN)
        {
          gpointer seen;
          guint n;

          /* Names repeat, so the n-th person with the same name gets a number. */
          g_string_truncate (tmp, 0);
          g_string_append_printf (tmp, "%s.%s@%s", first_ascii, last_ascii, org->domains[domain].name);
          seen = g_hash_table_lookup (emails, tmp->str);
          n = GPOINTER_TO_UINT (seen);
          if (n == 0)
            {
              user.email = g_string_chunk_insert (org->strings, tmp->str);
              g_hash_table_insert (emails, (gpointer) user.email, GUINT_TO_POINTER (1));
            }
          else
            {
              g_hash_table_insert (emails, g_string_chunk_insert (org->strings, tmp->str),
                                   GUINT_TO_POINTER (n + 1));
              g_string_truncate (tmp, 0);
              g_string_append_printf (tmp, "%s.%s%u@%s", first_ascii, last_ascii, n + 1,
                                      org->domains[domain].name);
              user.email = g_string_chunk_insert (org->strings, tmp->str);
            }
          user.email_verified = g_rand_double (rand) < 0.95;
        }
      user.domain = domain;

      /* Search key: casefolded name and email. */
      {
        g_autofree char *folded = g_utf8_casefold (user.name, -1);

        g_string_truncate (tmp, 0);
        g_string_append (tmp, folded);
        if (user.email)
          {
            g_autofree char *lower = g_ascii_strdown (user.email, -1);
            g_string_append_c (tmp, '\n');
            g_string_append (tmp, lower);
          }
        user.search_key = g_string_chunk_insert (org->strings, tmp->str);
      }

      /* Status mix. */
      r = g_rand_double (rand);
      if (user.account_type != SB_ACCOUNT_ATLASSIAN || r < 0.88)
        ;
      else if (r < 0.94)
        user.membership = SB_MEMBERSHIP_SUSPENDED;
      else if (r < 0.97)
        user.account_status = SB_ACCOUNT_STATUS_INACTIVE;
      else if (r < 0.98)
        user.membership = SB_MEMBERSHIP_NONE;
      else if (r < 0.985)
        user.account_status = SB_ACCOUNT_STATUS_CLOSED;

      added_age_ms = (gint64) (g_rand_double_range (rand, 1, 2000) * DAY_MS);
      user.added_to_org_ms = org->now_ms - added_age_ms;
      if (user.account_status == SB_ACCOUNT_STATUS_INACTIVE)
        user.deactivated_on_ms = org->now_ms - (gint64) (g_rand_double (rand) * added_age_ms);

      user.mfa_enabled = user.account_type == SB_ACCOUNT_ATLASSIAN && g_rand_double (rand) < 0.6;
      user.synced = _sb_user_is_managed (org, &user) && g_rand_double (rand) < 0.1;

      if (user.account_type == SB_ACCOUNT_ATLASSIAN && g_rand_double (rand) < 0.8)
        {
          const Department *d = &departments[g_rand_int_range (rand, 0, G_N_ELEMENTS (departments))];
          guint di = d - departments;

          user.department = d->name;
          user.job_title = d->titles[g_rand_int_range (rand, 0, 4)];
          if (d->group != NULL && g_rand_double (rand) < 0.9)
            add_to_group (&user, G_FIRST_DEPARTMENT + di);
          if (_sb_user_is_managed (org, &user) && di == 0 && g_rand_double (rand) < 0.8)
            add_to_group (&user, G_OKTA_ENGINEERING);
        }
      if (user.account_type == SB_ACCOUNT_ATLASSIAN && _sb_user_is_managed (org, &user) &&
          g_rand_double (rand) < 0.85)
        add_to_group (&user, G_OKTA_ALL);

      /* Product access through the product groups; apps get direct access. */
      if (user.account_type == SB_ACCOUNT_ATLASSIAN && user.membership != SB_MEMBERSHIP_NONE)
        {
          if (g_rand_double (rand) < 0.80)
            add_to_group (&user, G_JIRA_USERS);
          if (g_rand_double (rand) < 0.65)
            add_to_group (&user, G_CONFLUENCE_USERS);
          if (g_rand_double (rand) < 0.25)
            add_to_group (&user, G_JSM_USERS);
        }
      else if (user.account_type == SB_ACCOUNT_APP)
        {
          user.direct_products = 1 << SB_PRODUCT_JIRA;
          if (g_rand_boolean (rand))
            user.direct_products |= 1 << SB_PRODUCT_CONFLUENCE;
          add_to_group (&user, G_ADDONS);
        }

      /* Admins: a handful of active, managed people. */
      if (user.account_type == SB_ACCOUNT_ATLASSIAN && _sb_user_is_managed (org, &user) &&
          _sb_user_status (&user) == SB_STATUS_ACTIVE && i % 7 == 3)
        {
          if (n_org_admins < 5)
            {
              user.roles |= SB_ROLE_ORG_ADMIN | SB_ROLE_SITE_ADMIN;
              add_to_group (&user, G_ORG_ADMINS);
              add_to_group (&user, G_SITE_ADMINS);
              add_to_group (&user, G_JIRA_USERS);
              add_to_group (&user, G_CONFLUENCE_USERS);
              n_org_admins++;
            }
          else if (n_site_admins < 4)
            {
              user.roles |= SB_ROLE_SITE_ADMIN;
              add_to_group (&user, G_SITE_ADMINS);
              add_to_group (&user, n_site_admins % 2 ? G_CONFLUENCE_ADMINS : G_JIRA_ADMINS);
              n_site_admins++;
            }
        }

      {
        guint8 products = user.direct_products;

        for (guint g = 0; g < G_N_GROUPS; g++)
          if (group_specs[g].product >= 0 && (user.groups & (G_GUINT64_CONSTANT (1) << g)))
            products |= 1 << group_specs[g].product;
        user.products = products;
      }

      /* Last-active dates per product; ~8% of people with access never used it. */
      if (user.products != 0 && (user.account_type == SB_ACCOUNT_APP || g_rand_double (rand) >= 0.08))
        {
          for (guint p = 0; p < SB_N_PRODUCTS; p++)
            {
              gint64 age;

              if (!(user.products & (1 << p)))
                continue;
              /* Some products are never opened even by otherwise active people. */
              if (p != SB_PRODUCT_JIRA && g_rand_double (rand) < 0.05)
                continue;
              age = pick_last_active_age_ms (rand);
              if (user.account_status != SB_ACCOUNT_STATUS_ACTIVE ||
                  user.membership == SB_MEMBERSHIP_SUSPENDED)
                age += (gint64) (g_rand_double_range (rand, 20, 200) * DAY_MS);
              age = MIN (age, added_age_ms);
              user.last_active_ms[p] = org->now_ms - age - g_rand_int_range (rand, 0, 1000);
            }
        }

      g_array_append_val (org->users, user);
    }

  for (guint i = 0; i < org->users->len; i++)
    g_hash_table_insert (org->user_index,
                         (gpointer) g_array_index (org->users, SbUser, i).account_id,
                         GUINT_TO_POINTER (i + 1));

  g_string_free (tmp, TRUE);
  return org;
}
