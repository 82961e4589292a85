using System.Globalization;

namespace PrivateFl.ClientSdk;

/// <summary>
/// The nine raw attributes of one applicant of the German credit data (<see cref="CreditSchemas.GermanCredit"/>), as
/// typed members: a thin adapter onto the schema-generic <see cref="Applicant"/> (<see cref="ToApplicant"/>). Every
/// member may be absent (<see langword="null"/>): <see cref="CreditPredictor"/> validates them all against the
/// schema at once and reports every bad field, keyed by member name.
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

    /// <summary>
    /// Converts to the generic form that <see cref="CreditPredictor"/> scores: each member that is set becomes the value
    /// of its column of <see cref="CreditSchemas.GermanCredit"/> (such as <see cref="SavingAccounts"/> → <c>Saving accounts</c>).
    /// </summary>
    /// <returns>A new applicant holding the members that are not <see langword="null"/>.</returns>
    public Applicant ToApplicant()
    {
        return new Applicant(Members().Where(m => m.Value is not null).Select(m => new KeyValuePair<string, string?>(ColumnOfMember[m.Member], m.Value)));
    }

    /// <summary>The member that holds a column, so that errors keep naming members; the column itself for any other name.</summary>
    internal static string MemberOf(string column) =>
        ColumnOfMember.FirstOrDefault(p => string.Equals(p.Value, column, StringComparison.Ordinal)).Key ?? column;

    // The columns are defined once, in CreditSchemas; a member is named after its column without spaces.
    private static readonly Dictionary<string, string> ColumnOfMember = new CreditApplicant().Members()
        .ToDictionary(m => m.Member, m => CreditSchemas.GermanCredit.Columns.Single(c => string.Equals(c.Name.Replace(" ", string.Empty, StringComparison.Ordinal), m.Member, StringComparison.OrdinalIgnoreCase)).Name, StringComparer.Ordinal);

    private (string Member, string? Value)[] Members() =>
    [
        (nameof(Age), Format(Age)),
        (nameof(Sex), Sex),
        (nameof(Job), Format(Job)),
        (nameof(Housing), Housing),
        (nameof(SavingAccounts), SavingAccounts),
        (nameof(CheckingAccount), CheckingAccount),
        (nameof(CreditAmount), CreditAmount?.ToString("R", CultureInfo.InvariantCulture)),
        (nameof(Duration), Format(Duration)),
        (nameof(Purpose), Purpose),
    ];

    private static string? Format(int? value) => value?.ToString(CultureInfo.InvariantCulture);
}
