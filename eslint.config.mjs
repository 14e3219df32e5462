import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Layering: core/ and workers/ never import React, Next or browser-UI code.
const uiImports = {
  patterns: [
    { group: ['react', 'react-dom', 'react/*', 'next', 'next/*'], message: 'core/ and workers/ are framework-free.' },
    {
      group: ['@/components/*', '@/hooks/*', '@/lib/*', '@/app/*'],
      message: 'core/ and workers/ must not import UI code.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.next/',
      'public/',
      'test-results/',
      'playwright-report/',
      'bench/.data/',
      'next-env.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Report content is untrusted: render text only.',
        },
      ],
    },
  },
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: { ...globals.node } } },
  { files: ['core/**/*.ts', 'workers/**/*.ts'], rules: { 'no-restricted-imports': ['error', uiImports] } },
  { files: ['**/*.test.ts', 'e2e/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
