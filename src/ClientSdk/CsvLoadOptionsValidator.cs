using Microsoft.Extensions.Options;

namespace PrivateFl.ClientSdk;

/// <summary>
/// Checks the form of <see cref="CsvLoadOptions"/> bound from configuration, naming each bad setting; the targets are
/// checked against the schema when a file is loaded (<see cref="CsvLoadOptions.Validate"/>), since the schema may come
/// from the session.
/// </summary>
internal sealed class CsvLoadOptionsValidator : IValidateOptions<CsvLoadOptions>
{
    public ValidateOptionsResult Validate(string? name, CsvLoadOptions options)
    {
        var failures = CsvLoadOptions.Problems(options.ColumnMapping, schema: null).Select(problem => $"{nameof(CsvLoadOptions)}:{problem}").ToList();
        if (options.MaxRows < 1)
        {
            failures.Add($"{nameof(CsvLoadOptions)}:MaxRows is {options.MaxRows}; it must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
