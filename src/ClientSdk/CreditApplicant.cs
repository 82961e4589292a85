using System.Globalization;
using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk;

/// <summary>
/// The nine raw attributes of one credit applicant, as a bank's front end or the REST host receives them.
/// Every member may be absent (<see langword="null"/>): <see cref="CreditPredictor"/> validates them all
/// against the schema at once and reports every bad field.
/// </summary>
public sealed record CreditApplicant
{
    /// <summary>Gets the age in years (column <c>Age</c>).</summary>
    public int? Age { get; init; }

    /// <summary>Gets the sex, <c>male</c> or <c>female</c> (column <c>Sex</c>).</summary>
    public string? Sex { get; init; }

    /// <summary>Gets the job class: 0 unskilled non-resident, 1 unskilled resident, 2 skilled, 3 highly skilled (column <c>Job</c>).</summary>
    public int? Job { get; init; }

    /// <summary>Gets the housing, <c>own</c>, <c>rent</c> or <c>free</c> (column <c>Housing</c>).</summary>
    public string? Housing { get; init; }

    /// <summary>
    /// Gets the savings level, <c>little</c>, <c>moderate</c>, <c>quite rich</c> or <c>rich</c>; <c>none</c>,
    /// <c>NA</c> or <see langword="null"/> mean no savings account or unknown in the built-in schema (column <c>Saving accounts</c>).
    /// </summary>
    public string? SavingAccounts { get; init; }

    /// <summary>
    /// Gets the checking-account level, <c>little</c>, <c>moderate</c> or <c>rich</c>; <c>none</c>, <c>NA</c> or
    /// <see langword="null"/> mean no checking account or unknown in the built-in schema (column <c>Checking account</c>).
    /// </summary>
    public string? CheckingAccount { get; init; }

    /// <summary>Gets the credit amount in DM (column <c>Credit amount</c>).</summary>
    public double? CreditAmount { get; init; }

    /// <summary>Gets the duration of the credit in months (column <c>Duration</c>).</summary>
    public int? Duration { get; init; }

    /// <summary>
    /// Gets the purpose: <c>car</c>, <c>radio/TV</c>, <c>furniture/equipment</c>, <c>business</c>,
    /// <c>education</c>, <c>repairs</c>, <c>domestic appliances</c> or <c>vacation/others</c> (column <c>Purpose</c>).
    /// </summary>
    public string? Purpose { get; init; }

    /// <summary>Gets the raw text of a column and the name of the member it came from; false for a column no member holds.</summary>
    internal bool TryGetField(string column, out string field, out string? value)
    {
        (field, value) = column switch
        {
            GermanCreditColumns.Age => (nameof(Age), Format(Age)),
            GermanCreditColumns.Sex => (nameof(Sex), Sex),
            GermanCreditColumns.Job => (nameof(Job), Format(Job)),
            GermanCreditColumns.Housing => (nameof(Housing), Housing),
            GermanCreditColumns.SavingAccounts => (nameof(SavingAccounts), SavingAccounts),
            GermanCreditColumns.CheckingAccount => (nameof(CheckingAccount), CheckingAccount),
            GermanCreditColumns.CreditAmount => (nameof(CreditAmount), CreditAmount?.ToString("R", CultureInfo.InvariantCulture)),
            GermanCreditColumns.Duration => (nameof(Duration), Format(Duration)),
            GermanCreditColumns.Purpose => (nameof(Purpose), Purpose),
            _ => (string.Empty, null),
        };
        return field.Length > 0;
    }

    private static string? Format(int? value) => value?.ToString(CultureInfo.InvariantCulture);
}
