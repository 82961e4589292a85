namespace PrivateFl.ClientSdk;

/// <summary>
/// The exception thrown when an <see cref="Applicant"/> or a <see cref="CreditApplicant"/> does not match the schema.
/// <see cref="Errors"/> lists every bad field at once (a field that is not a column, a required value missing, a value
/// that is not a number, outside the declared range or not in the vocabulary), in the shape of a validation problem
/// (RFC 9457) so that a host can return it as is. It is the only exception that scoring throws for any applicant.
/// </summary>
public sealed class ApplicantValidationException : ArgumentException
{
    /// <summary>Initialises a new instance.</summary>
    public ApplicantValidationException()
        : this("The applicant does not match the schema.")
    {
    }

    /// <summary>Initialises a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public ApplicantValidationException(string? message)
        : base(message)
    {
        Errors = new Dictionary<string, string[]>();
    }

    /// <summary>Initialises a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="inner">The exception that caused this one.</param>
    public ApplicantValidationException(string? message, Exception? inner)
        : base(message, inner)
    {
        Errors = new Dictionary<string, string[]>();
    }

    /// <summary>Initialises a new instance listing the bad fields.</summary>
    /// <param name="errors">The errors of each bad field, keyed by field name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="errors"/> is <see langword="null"/>.</exception>
    public ApplicantValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base(Describe(errors), "applicant")
    {
        Errors = errors;
    }

    /// <summary>
    /// Gets the errors of each bad field: keyed by column name (such as <c>LIMIT_BAL</c>, or the name as given for a field
    /// that is not a column) for an <see cref="Applicant"/>, by member name (such as <c>CreditAmount</c>) for a <see cref="CreditApplicant"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    private static string Describe(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return $"The applicant has {errors.Count} invalid field{(errors.Count == 1 ? string.Empty : "s")}: "
            + string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
    }
}
