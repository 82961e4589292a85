namespace PrivateFl.ClientSdk.Internal;

/// <summary>The CSV header names of the German credit data (Hofmann 1994, Kaggle "readable" subset).</summary>
internal static class GermanCreditColumns
{
    public const string Age = "Age";
    public const string Sex = "Sex";
    public const string Job = "Job";
    public const string Housing = "Housing";
    public const string SavingAccounts = "Saving accounts";
    public const string CheckingAccount = "Checking account";
    public const string CreditAmount = "Credit amount";
    public const string Duration = "Duration";
    public const string Purpose = "Purpose";
    public const string Risk = "Risk";
}
