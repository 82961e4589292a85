using System.Globalization;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>Maps the original <c>/fl_predict</c> fields onto a <see cref="CreditApplicant"/>, collecting every bad field.</summary>
internal static class ApplicantParser
{
    /// <summary>The request field of each <see cref="CreditApplicant"/> member, for error messages.</summary>
    public static readonly IReadOnlyDictionary<string, string> FieldOf = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [nameof(CreditApplicant.Age)] = "age",
        [nameof(CreditApplicant.Sex)] = "sex",
        [nameof(CreditApplicant.Job)] = "job",
        [nameof(CreditApplicant.Housing)] = "housing",
        [nameof(CreditApplicant.CreditAmount)] = "credit",
        [nameof(CreditApplicant.Duration)] = "duration",
        [nameof(CreditApplicant.Purpose)] = "purpose",
        [nameof(CreditApplicant.SavingAccounts)] = "saving_accounts",
        [nameof(CreditApplicant.CheckingAccount)] = "checking_account",
    };

    /// <summary>Parses the fields; never throws for any field values (see the fuzzing property in the tests).</summary>
    public static (CreditApplicant Applicant, Dictionary<string, string[]> Errors, List<string> Assumptions) Parse(IReadOnlyDictionary<string, string?> fields)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var assumptions = new List<string>();
        string? Text(string name) => fields.TryGetValue(name, out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        string? Required(string name)
        {
            string? value = Text(name);
            if (value is null)
            {
                errors[name] = [$"{name} is required."];
            }

            return value;
        }

        int? Integer(string name, string? text)
        {
            if (text is null)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            {
                return value;
            }

            errors[name] = [$"{name} must be a whole number; got '{Excerpt.Of(text)}'."];
            return null;
        }

        string? creditText = Text("credit") ?? Text("credit_amount");
        if (fields.ContainsKey("credit") && fields.ContainsKey("credit_amount"))
        {
            // Two amounts for one applicant: picking either silently could score the wrong loan.
            errors["credit"] = ["Give either credit or credit_amount, not both."];
            creditText = null;
        }
        else if (creditText is null)
        {
            errors["credit"] = ["credit (or credit_amount) is required."];
        }

        double? credit = null;
        if (creditText is not null)
        {
            if (double.TryParse(creditText, NumberStyles.Float, CultureInfo.InvariantCulture, out double amount) && double.IsFinite(amount))
            {
                credit = amount;
            }
            else
            {
                errors["credit"] = [$"credit must be a number; got '{Excerpt.Of(creditText)}'."];
            }
        }

        string? saving = Text("saving_accounts");
        string? checking = Text("checking_account");
        if (saving is null)
        {
            assumptions.Add("saving_accounts was not given: treated as 'none' (no savings account or unknown).");
        }

        if (checking is null)
        {
            assumptions.Add("checking_account was not given: treated as 'none' (no checking account or unknown).");
        }

        var applicant = new CreditApplicant
        {
            Age = Integer("age", Required("age")),
            Sex = Required("sex"),
            Job = Integer("job", Required("job")),
            Housing = Required("housing"),
            CreditAmount = credit,
            Duration = Integer("duration", Required("duration")),
            Purpose = Required("purpose"),
            SavingAccounts = saving,
            CheckingAccount = checking,
        };
        return (applicant, errors, assumptions);
    }
}
