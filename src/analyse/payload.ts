import type { EnvironmentFacts } from "../core/facts.js";

/**
 * What the deployed payload needs, read from what its functions declare (the functions list's
 * `language`, EnvironmentFacts.deployedLanguages): the worker runtime the host must load for them.
 * The host's own names (azure-functions-host): `DotNetScriptTypes` (`DotNetAssembly`,
 * `RawDotNetAssembly`, `CSharp`, `FSharp`) are in-process .NET, the `dotnet` worker; the language
 * workers (`RpcWorkerConstants`) declare their own name: `dotnet-isolated`, `node`, `python`, `java`,
 * `powershell`, `custom`. Compared without regard to case (Azure writes `CSharp`, `DotNetAssembly`).
 */
const WORKER_OF_LANGUAGE: Record<string, string> = {
  dotnetassembly: "dotnet",
  rawdotnetassembly: "dotnet",
  csharp: "dotnet",
  fsharp: "dotnet",
  "dotnet-isolated": "dotnet-isolated",
  node: "node",
  python: "python",
  java: "java",
  powershell: "powershell",
  custom: "custom",
};

/**
 * The one worker runtime every deployed function needs, or undefined when that is not known: the
 * functions list was not read, no function declares a language, a language is not one we know, or
 * the functions need more than one worker (a payload no single setting runs).
 */
export function payloadWorker(env: EnvironmentFacts): string | undefined {
  const languages = env.deployedLanguages ?? [];
  const workers = new Set(
    languages.map((language) =>
      Object.hasOwn(WORKER_OF_LANGUAGE, language.toLowerCase())
        ? WORKER_OF_LANGUAGE[language.toLowerCase()]
        : undefined,
    ),
  );
  const [only] = workers;
  return workers.size === 1 ? only : undefined;
}
