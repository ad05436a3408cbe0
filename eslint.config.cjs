/* ESLint for the browser tours of the addons (flat config, ESLint 9), after
 * OCA's addon-repo template: Odoo's globals, ES modules for *.esm.js and
 * tour files, errors for what breaks code, warnings for style. */
const globals = require("globals");
const jsdoc = require("eslint-plugin-jsdoc");

module.exports = [
    {
        plugins: {jsdoc},
        languageOptions: {
            ecmaVersion: 2024,
            sourceType: "script",
            globals: {
                ...globals.browser,
                luxon: "readonly",
                odoo: "readonly",
                owl: "readonly",
                QUnit: "readonly",
            },
        },
        rules: {
            "no-cond-assign": "error",
            "no-const-assign": "error",
            "no-debugger": "error",
            "no-dupe-keys": "error",
            "no-duplicate-case": "error",
            "no-duplicate-imports": "error",
            "no-empty-function": "error",
            "no-eval": "error",
            "no-undef": "error",
            "no-unreachable": "error",
            "no-unused-expressions": "error",
            "no-unused-vars": "error",
            "no-use-before-define": "error",
            "spaced-comment": ["error", "always"],
            "use-isnan": "error",
            complexity: ["warn", 15],
            eqeqeq: "warn",
            "no-alert": "warn",
            "no-console": "warn",
            "prefer-const": "warn",
            "jsdoc/check-tag-names": "warn",
            "jsdoc/check-types": "warn",
        },
    },
    {
        files: ["**/*.esm.js", "**/static/tests/tours/*.js"],
        languageOptions: {sourceType: "module"},
    },
    {
        // these configuration files themselves
        files: ["*.cjs"],
        languageOptions: {sourceType: "commonjs", globals: globals.node},
    },
];
