namespace PrivateFl.ClientSdk;

/// <summary>The built-in credit schemas.</summary>
public static class CreditSchemas
{
    /// <summary>The name of <see cref="GermanCredit"/>.</summary>
    public const string GermanCreditName = "german-credit";

    // Declared before the schemas: static initialisers run in text order.
    private static readonly string[] RepaymentColumns = ["PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6"];

    /// <summary>The name of <see cref="TaiwanCredit"/>.</summary>
    public const string TaiwanCreditName = "taiwan-credit";

    /// <summary>
    /// Gets the <c>german-credit</c> schema, version 2, over the nine attributes of the German credit data
    /// (Hofmann 1994, UCI; the Kaggle "readable" subset), with label <c>Risk</c>: <c>bad</c> (a default) is
    /// the positive class, <c>good</c> the negative one. <c>Sex</c> is protected, so 32 features and 33 weights.
    /// </summary>
    /// <remarks>
    /// <para>Numeric columns, scaled by generous public ranges (round numbers, not fitted to any bank's data):
    /// <c>Age</c> [18, 100] years, <c>Credit amount</c> [0, 20000] DM, <c>Duration</c> [1, 72] months. A value
    /// outside its range is refused, not clamped.</para>
    /// <para>Categorical columns: <c>Sex</c> male/female, protected (validated and kept for reporting, not a model
    /// feature: version 1 used it, version 2 does not); <c>Job</c> "0" unskilled non-resident, "1" unskilled
    /// resident, "2" skilled, "3" highly skilled; <c>Housing</c> own/rent/free; <c>Saving accounts</c>
    /// little/moderate/quite rich/rich/none and <c>Checking account</c> little/moderate/rich/none, where the
    /// data's <c>NA</c> is an alias of <c>none</c> ("no account or unknown", UCI A65 and A14: a category of
    /// its own, not a missing value) and an absent value also means <c>none</c>; <c>Purpose</c> car, radio/TV,
    /// furniture/equipment, business, education, repairs, domestic appliances, vacation/others.</para>
    /// <para><c>Age</c> stays a feature here, as in the original scorecard; a lender whose law protects age marks it
    /// protected in its own schema.</para>
    /// </remarks>
    public static FeatureSchema GermanCredit { get; } = CreateGermanCredit();

    /// <summary>
    /// Gets the <c>taiwan-credit</c> schema, version 1, over the UCI "default of credit card clients" data (Yeh and
    /// Lien 2009; 30,000 clients of a Taiwanese bank, October 2005), label <c>default</c>: <c>1</c> (defaulted the
    /// next month) is the positive class, <c>0</c> the negative. <c>SEX</c>, <c>MARRIAGE</c> and <c>AGE</c> are
    /// protected; 60 features, so 61 logistic-regression weights.
    /// </summary>
    /// <remarks>
    /// <para>Amounts in NT$, heavy-tailed, so scaled after the signed log sign(x)·ln(1 + |x|)
    /// (<see cref="NumericTransform.Log"/>) over generous public ranges: <c>LIMIT_BAL</c> [0, 10⁷],
    /// <c>BILL_AMT1</c>…<c>BILL_AMT6</c> [−10⁷, 10⁷] (a bill can be a credit balance), <c>PAY_AMT1</c>…<c>PAY_AMT6</c>
    /// [0, 10⁷].</para>
    /// <para><c>PAY_0</c>, <c>PAY_2</c>…<c>PAY_6</c> (repayment status) are categorical: −2 no consumption, −1 paid in
    /// full, 0 revolving credit, 1 and 2 months late, and "3" for three or more months late (codes 4–8 are its
    /// aliases, each too rare to learn a weight of its own under DP noise). The codes are not a scale: −2, −1 and 0 are
    /// three kinds of good standing, and the risk jumps between 0 and 1, which one slope of a numeric code cannot
    /// express.</para>
    /// <para><c>EDUCATION</c>: 1 graduate school, 2 university, 3 high school, 4 others; the undocumented codes 0, 5 and
    /// 6 that occur in the data are aliases of 4 (others). Protected: <c>SEX</c> 1 male, 2 female;
    /// <c>MARRIAGE</c> 1 married, 2 single, 3 others (undocumented 0 is an alias of 3); <c>AGE</c> [18, 100] years.</para>
    /// </remarks>
    public static FeatureSchema TaiwanCredit { get; } = CreateTaiwanCredit();

    private static FeatureSchema CreateGermanCredit()
    {
        var noAccount = new Dictionary<string, string>(StringComparer.Ordinal) { ["NA"] = "none" };
        return new FeatureSchema(
            GermanCreditName,
            2,
            [
                FeatureColumn.Numeric("Age", 18, 100),
                FeatureColumn.Categorical("Sex", ["male", "female"]).AsProtected(),
                FeatureColumn.Categorical("Job", ["0", "1", "2", "3"]),
                FeatureColumn.Categorical("Housing", ["own", "rent", "free"]),
                FeatureColumn.Categorical("Saving accounts", ["little", "moderate", "quite rich", "rich", "none"], noAccount, missingAs: "none"),
                FeatureColumn.Categorical("Checking account", ["little", "moderate", "rich", "none"], noAccount, missingAs: "none"),
                FeatureColumn.Numeric("Credit amount", 0, 20000),
                FeatureColumn.Numeric("Duration", 1, 72),
                FeatureColumn.Categorical(
                    "Purpose",
                    ["car", "radio/TV", "furniture/equipment", "business", "education", "repairs", "domestic appliances", "vacation/others"]),
            ],
            "Risk",
            positiveLabel: "bad",
            negativeLabel: "good");
    }

    private static FeatureSchema CreateTaiwanCredit()
    {
        const double MaxAmount = 10_000_000;
        var lateAliases = new Dictionary<string, string>(StringComparer.Ordinal) { ["4"] = "3", ["5"] = "3", ["6"] = "3", ["7"] = "3", ["8"] = "3" };
        var columns = new List<FeatureColumn>
        {
            FeatureColumn.Numeric("LIMIT_BAL", 0, MaxAmount, NumericTransform.Log),
            FeatureColumn.Categorical("SEX", ["1", "2"]).AsProtected(),
            FeatureColumn.Categorical("EDUCATION", ["1", "2", "3", "4"], new Dictionary<string, string>(StringComparer.Ordinal) { ["0"] = "4", ["5"] = "4", ["6"] = "4" }),
            FeatureColumn.Categorical("MARRIAGE", ["1", "2", "3"], new Dictionary<string, string>(StringComparer.Ordinal) { ["0"] = "3" }).AsProtected(),
            FeatureColumn.Numeric("AGE", 18, 100).AsProtected(),
        };
        columns.AddRange(RepaymentColumns.Select(name => FeatureColumn.Categorical(name, ["-2", "-1", "0", "1", "2", "3"], lateAliases)));
        columns.AddRange(Enumerable.Range(1, 6).Select(i => FeatureColumn.Numeric($"BILL_AMT{i}", -MaxAmount, MaxAmount, NumericTransform.Log)));
        columns.AddRange(Enumerable.Range(1, 6).Select(i => FeatureColumn.Numeric($"PAY_AMT{i}", 0, MaxAmount, NumericTransform.Log)));
        return new FeatureSchema(TaiwanCreditName, 1, columns, "default", positiveLabel: "1", negativeLabel: "0");
    }
}
