using System.Text;

namespace PrivateFl.ClientSdk;

/// <summary>The built-in credit schemas, read from their files <c>data/schemas/german-credit.json</c> and <c>taiwan-credit.json</c>.</summary>
public static class CreditSchemas
{
    /// <summary>The name of <see cref="GermanCredit"/>.</summary>
    public const string GermanCreditName = "german-credit";

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
    public static FeatureSchema GermanCredit { get; } = Load(GermanCreditName);

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
    public static FeatureSchema TaiwanCredit { get; } = Load(TaiwanCreditName);

    /// <summary>Gets the built-in schemas: <see cref="GermanCredit"/> and <see cref="TaiwanCredit"/>.</summary>
    public static IReadOnlyList<FeatureSchema> All { get; } = [GermanCredit, TaiwanCredit];

    /// <summary>Finds a built-in schema by name.</summary>
    /// <param name="name">The schema name, such as <c>german-credit</c>; matched exactly.</param>
    /// <returns>The schema, or <see langword="null"/> when no built-in schema has that name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public static FeatureSchema? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(schema => string.Equals(schema.Name, name, StringComparison.Ordinal));
    }

    /// <summary>
    /// Reads a built-in schema from the copy of <c>data/schemas/{name}.json</c> compiled into this assembly: the file
    /// is the one definition, read by the SDK, the server, the demo and people alike (specs/schema.md).
    /// </summary>
    private static FeatureSchema Load(string name)
    {
        string resource = $"PrivateFl.ClientSdk.Schemas.{name}.json";
        using Stream stream = typeof(CreditSchemas).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The built-in schema resource '{resource}' is missing from the SDK assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return FeatureSchema.FromJson(reader.ReadToEnd());
    }
}
