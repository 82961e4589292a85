namespace PrivateFl.ClientSdk.Tests.Support;

/// <summary>The real German credit files (linked into the test output under data/) and helpers for made-up CSV.</summary>
internal static class CreditFiles
{
    public const string FullFile = "german_credit_data.csv";
    public const string FirstPartition = "german_data_1.csv";
    public const string SecondPartition = "german_data_2.csv";

    public const string Header = "Age,Sex,Job,Housing,Saving accounts,Checking account,Credit amount,Duration,Purpose,Risk";

    private static readonly Lazy<CreditDataset> Full = new(() => DatasetLoader.LoadCsv(PathOf(FullFile), CreditSchemas.GermanCredit));

    /// <summary>Gets the 1000 rows of german_credit_data.csv, loaded once.</summary>
    public static CreditDataset GermanCredit => Full.Value;

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "data", file);

    public static CreditDataset LoadText(string csv) =>
        DatasetLoader.LoadCsv(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), CreditSchemas.GermanCredit);

    public static DatasetValidationException LoadInvalidText(string csv) =>
        Assert.Throws<DatasetValidationException>(() => LoadText(csv));
}
