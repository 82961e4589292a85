using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk;

/// <summary>The built-in credit schemas.</summary>
public static class CreditSchemas
{
    /// <summary>The name of <see cref="GermanCredit"/>.</summary>
    public const string GermanCreditName = "german-credit";

    /// <summary>
    /// Gets the <c>german-credit</c> schema, version 1, over the nine attributes of the German credit data
    /// (Hofmann 1994, UCI; the Kaggle "readable" subset), with label <c>Risk</c>: <c>bad</c> (a default) is
    /// the positive class, <c>good</c> the negative one. 35 features, so 36 weights.
    /// </summary>
    /// <remarks>
    /// <para>Numeric columns, scaled by generous public ranges (round numbers, not fitted to any bank's data):
    /// <c>Age</c> [18, 100] years, <c>Credit amount</c> [0, 20000] DM, <c>Duration</c> [1, 72] months. A value
    /// outside its range is refused, not clamped.</para>
    /// <para>Categorical columns: <c>Sex</c> male/female; <c>Job</c> "0" unskilled non-resident, "1" unskilled
    /// resident, "2" skilled, "3" highly skilled; <c>Housing</c> own/rent/free; <c>Saving accounts</c>
    /// little/moderate/quite rich/rich/none and <c>Checking account</c> little/moderate/rich/none, where the
    /// data's <c>NA</c> is an alias of <c>none</c> ("no account or unknown", UCI A65 and A14: a category of
    /// its own, not a missing value) and an absent value also means <c>none</c>; <c>Purpose</c> car, radio/TV,
    /// furniture/equipment, business, education, repairs, domestic appliances, vacation/others.</para>
    /// </remarks>
    public static FeatureSchema GermanCredit { get; } = CreateGermanCredit();

    private static FeatureSchema CreateGermanCredit()
    {
        var noAccount = new Dictionary<string, string>(StringComparer.Ordinal) { ["NA"] = "none" };
        return new FeatureSchema(
            GermanCreditName,
            1,
            [
                FeatureColumn.Numeric(GermanCreditColumns.Age, 18, 100),
                FeatureColumn.Categorical(GermanCreditColumns.Sex, ["male", "female"]),
                FeatureColumn.Categorical(GermanCreditColumns.Job, ["0", "1", "2", "3"]),
                FeatureColumn.Categorical(GermanCreditColumns.Housing, ["own", "rent", "free"]),
                FeatureColumn.Categorical(GermanCreditColumns.SavingAccounts, ["little", "moderate", "quite rich", "rich", "none"], noAccount, missingAs: "none"),
                FeatureColumn.Categorical(GermanCreditColumns.CheckingAccount, ["little", "moderate", "rich", "none"], noAccount, missingAs: "none"),
                FeatureColumn.Numeric(GermanCreditColumns.CreditAmount, 0, 20000),
                FeatureColumn.Numeric(GermanCreditColumns.Duration, 1, 72),
                FeatureColumn.Categorical(
                    GermanCreditColumns.Purpose,
                    ["car", "radio/TV", "furniture/equipment", "business", "education", "repairs", "domestic appliances", "vacation/others"]),
            ],
            GermanCreditColumns.Risk,
            positiveLabel: "bad",
            negativeLabel: "good");
    }
}
