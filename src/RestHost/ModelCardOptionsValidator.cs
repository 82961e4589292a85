using Microsoft.Extensions.Options;

namespace PrivateFl.RestHost;

/// <summary>Refuses to start with a test-set name that could never name a file in the data folder.</summary>
internal sealed class ModelCardOptionsValidator : IValidateOptions<ModelCardOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelCardOptions options) =>
        string.IsNullOrEmpty(options.TestDataset) || DatasetPathResolver.CheckText(options.TestDataset) is not { } problem
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"ModelCardOptions:TestDataset: {problem.Replace("addr", "the name", StringComparison.Ordinal)}");
}
